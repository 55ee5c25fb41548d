using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace NetDsl.Samples.Benchmarking;

/// <summary>The PyTorch process answered a command with an error, died, or said something that is not a reply.</summary>
public sealed class PyTorchServerException : Exception
{
    public PyTorchServerException(string message) : base(message) { }
}

/// <summary>
/// The command protocol of <c>tools/bench_networks_torch.py</c>: one command a line, one JSON object a line back, an
/// <c>"error"</c> member when the command failed. Pure (no process), for the tests.
/// </summary>
public static class PyTorchProtocol
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The line for <paramref name="command"/> and its arguments (words without spaces or line breaks).</summary>
    public static string Command(string command, params object[] args)
    {
        var words = new[] { command }.Concat(args.Select(a => Convert.ToString(a, Inv) ?? "")).ToList();
        foreach (var w in words)
            if (w.Length == 0 || w.Any(c => char.IsWhiteSpace(c)))
                throw new ArgumentException($"PyTorchProtocol: '{w}' is not one word of a command line.", nameof(args));
        return string.Join(" ", words);
    }

    /// <summary>The reply to <paramref name="command"/>: the JSON object of <paramref name="line"/>, or why it is not one.</summary>
    public static JsonElement Reply(string command, string? line)
    {
        if (line is null) throw new PyTorchServerException($"'{command}': the PyTorch process ended without a reply");
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(line);
            root = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new PyTorchServerException($"'{command}': the reply is not JSON ({ex.Message}): {Shorten(line)}");
        }
        if (root.ValueKind != JsonValueKind.Object)
            throw new PyTorchServerException($"'{command}': the reply is not a JSON object: {Shorten(line)}");
        if (root.TryGetProperty("error", out var error))
            throw new PyTorchServerException($"'{command}': {error.GetString()}");
        return root;
    }

    /// <summary>The <c>"ms"</c> list of a timing reply.</summary>
    public static IReadOnlyList<double> Milliseconds(JsonElement reply) =>
        reply.GetProperty("ms").EnumerateArray().Select(e => e.GetDouble()).ToArray();

    /// <summary>A JSON object of numbers as a dictionary (the profile's per-type times, the phases).</summary>
    public static IReadOnlyDictionary<string, double> Numbers(JsonElement obj) =>
        obj.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number).ToDictionary(p => p.Name, p => p.Value.GetDouble());

    private static string Shorten(string s) => s.Length <= 200 ? s : s.Substring(0, 200) + "...";
}

/// <summary>
/// One long-lived <c>/usr/bin/python3 tools/bench_networks_torch.py</c> that builds the PyTorch networks once and answers
/// commands (<see cref="PyTorchProtocol"/>), so that its timings can be interleaved with this process's.
/// </summary>
public sealed class PyTorchServer : IDisposable
{
    public const string Script = "tools/bench_networks_torch.py";

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private PyTorchServer(Process process) => _process = process;

    /// <summary>What the last lines of the process's stderr said (for an error message).</summary>
    public string StderrTail
    {
        get
        {
            lock (_stderr) return string.Join(" | ", _stderr.ToString().Trim().Split('\n').TakeLast(3).Select(l => l.Trim()));
        }
    }

    /// <summary>Starts the process, or says why it cannot be (no interpreter, no script).</summary>
    public static PyTorchServer? Start(int threads, out string? unavailable)
    {
        unavailable = null;
        if (!File.Exists(TorchvisionReference.Python)) { unavailable = $"{TorchvisionReference.Python} is not installed"; return null; }
        string root = BenchDocument.RepositoryRoot();
        string script = Path.Combine(root, Script);
        if (!File.Exists(script)) { unavailable = $"{Script} not found under {root}"; return null; }
        var psi = new ProcessStartInfo(TorchvisionReference.Python)
        {
            WorkingDirectory = root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("--threads");
        psi.ArgumentList.Add(threads.ToString(CultureInfo.InvariantCulture));
        try
        {
            var process = new Process { StartInfo = psi };
            var server = new PyTorchServer(process);
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (server._stderr) server._stderr.AppendLine(e.Data);
            };
            process.Start();
            process.BeginErrorReadLine();
            return server;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            unavailable = $"{TorchvisionReference.Python} could not be run ({ex.Message})";
            return null;
        }
    }

    /// <summary>Sends one command and waits for its reply; a failure is a <see cref="PyTorchServerException"/>.</summary>
    public JsonElement Ask(string command, params object[] args)
    {
        string line = PyTorchProtocol.Command(command, args);
        try
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
            string? reply = _process.StandardOutput.ReadLine();
            if (reply is null)
            {
                _process.WaitForExit(5000);
                string status = _process.HasExited ? $"exited with status {_process.ExitCode}" +
                    (_process.ExitCode < 0 || _process.ExitCode > 128 ? $" (signal {(_process.ExitCode > 128 ? _process.ExitCode - 128 : -_process.ExitCode)})" : "") : "closed its output";
                throw new PyTorchServerException($"'{line}': the PyTorch process {status}; stderr: {StderrTail}");
            }
            return PyTorchProtocol.Reply(line, reply);
        }
        catch (IOException ex)
        {
            throw new PyTorchServerException($"'{line}': the PyTorch process is gone ({ex.Message}); stderr: {StderrTail}");
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(10000)) _process.Kill();
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException) { }
        _process.Dispose();
    }
}

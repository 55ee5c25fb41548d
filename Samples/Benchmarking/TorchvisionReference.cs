using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace NetDsl.Samples;

/// <summary>One case timed by <c>tools/bench_torchvision_heads.py</c>: per-call milliseconds in run order, <see cref="PerRound"/> per round.</summary>
public sealed record PyTorchCase(string Name, IReadOnlyList<long> Input, int Calls, int PerRound, IReadOnlyList<double> Ms,
    IReadOnlyList<long> OutputShape, IReadOnlyList<double>? Output, IReadOnlyDictionary<string, double>? Breakdown = null)
{
    public double MedianMs => PairedTiming.Median(Ms);

    /// <summary>The median of each round.</summary>
    public IReadOnlyList<double> RoundMedians => Ms.Chunk(Math.Max(1, PerRound)).Select(c => PairedTiming.Median(c)).ToList();
}

/// <summary>
/// What the PyTorch process reported, or why there is nothing (<see cref="Unavailable"/>: no /usr/bin/python3, torch or
/// torchvision not importable, the script failed). Never a reason to fail the bench.
/// </summary>
public sealed record PyTorchRun(string? Unavailable, string Python, string Torch, string Torchvision, int Threads, string Build,
    IReadOnlyList<PyTorchCase> Cases, string LoadBefore = "", string LoadAfter = "", double Seconds = 0)
{
    public bool Available => Unavailable is null;

    public static PyTorchRun Missing(string why) => new(why, "", "", "", 0, "", Array.Empty<PyTorchCase>());

    /// <summary>The case named <paramref name="name"/> on input <paramref name="input"/>, if timed.</summary>
    public PyTorchCase? Find(string name, IReadOnlyList<long> input) =>
        Cases.FirstOrDefault(c => c.Name == name && c.Input.SequenceEqual(input));

    /// <summary>
    /// Parses the script's stdout: the last line that is a JSON object (anything before it is ignored). An object with
    /// "error", or no JSON at all, gives an unavailable run saying why.
    /// </summary>
    public static PyTorchRun Parse(string stdout)
    {
        string? line = (stdout ?? "").Replace("\r\n", "\n").Split('\n')
            .Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("{", StringComparison.Ordinal));
        if (line is null) return Missing("the script printed no JSON");
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.TryGetProperty("error", out var error)) return Missing(error.GetString() ?? "the script reported an error");
            string Str(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
            var cases = new List<PyTorchCase>();
            if (root.TryGetProperty("cases", out var list))
            {
                foreach (var c in list.EnumerateArray())
                {
                    IReadOnlyList<double>? output = c.TryGetProperty("output", out var o) ? o.EnumerateArray().Select(e => e.GetDouble()).ToArray() : null;
                    cases.Add(new PyTorchCase(
                        c.GetProperty("name").GetString() ?? "",
                        c.GetProperty("input").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
                        c.GetProperty("calls").GetInt32(),
                        c.GetProperty("per_round").GetInt32(),
                        c.GetProperty("ms").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
                        c.TryGetProperty("output_shape", out var s) ? s.EnumerateArray().Select(e => e.GetInt64()).ToArray() : Array.Empty<long>(),
                        output,
                        c.TryGetProperty("breakdown", out var b) && b.ValueKind == JsonValueKind.Object
                            ? b.EnumerateObject().ToDictionary(e => e.Name, e => e.Value.GetDouble())
                            : null));
                }
            }
            int threads = root.TryGetProperty("threads", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : 0;
            return new PyTorchRun(null, Str("python"), Str("torch"), Str("torchvision"), threads, Str("build"), cases);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return Missing($"the script's JSON could not be read ({ex.GetType().Name}: {ex.Message})");
        }
    }

    /// <summary>The script's arguments: thread count, protocol, and one <c>--case name:NxCxHxW:calls</c> per case.</summary>
    public static IReadOnlyList<string> Arguments(string script, int threads, int warmup, int rounds, int perRound,
        IEnumerable<(string Name, IReadOnlyList<long> Input, int Calls)> cases)
    {
        var args = new List<string>
        {
            script,
            "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--warmup", warmup.ToString(CultureInfo.InvariantCulture),
            "--rounds", rounds.ToString(CultureInfo.InvariantCulture),
            "--per-round", perRound.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (name, input, calls) in cases)
        {
            args.Add("--case");
            args.Add($"{name}:{string.Join("x", input)}:{calls.ToString(CultureInfo.InvariantCulture)}");
        }
        return args;
    }
}

/// <summary>Runs <c>tools/bench_torchvision_heads.py</c> under Debian's interpreter and reads its JSON.</summary>
public static class TorchvisionReference
{
    /// <summary>Debian's interpreter, the one with python3-torch and python3-torchvision (not a venv's).</summary>
    public const string Python = "/usr/bin/python3";

    public const string Script = "tools/bench_torchvision_heads.py";

    /// <summary>Runs the script; whatever goes wrong is an unavailable run, never an exception.</summary>
    public static PyTorchRun Run(int threads, int warmup, int rounds, int perRound,
        IEnumerable<(string Name, IReadOnlyList<long> Input, int Calls)> cases, Action<string>? log = null, TimeSpan? timeout = null)
    {
        if (!File.Exists(Python)) return PyTorchRun.Missing($"{Python} is not installed");
        string root = BenchDocument.RepositoryRoot();
        string script = Path.Combine(root, Script);
        if (!File.Exists(script)) return PyTorchRun.Missing($"{Script} not found under {root}");

        var psi = new ProcessStartInfo(Python)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in PyTorchRun.Arguments(script, threads, warmup, rounds, perRound, cases)) psi.ArgumentList.Add(a);
        var stderr = new StringBuilder();
        string loadBefore = BenchDocument.LoadAverage();
        long start = Stopwatch.GetTimestamp();
        try
        {
            using var process = new Process { StartInfo = psi };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (stderr) stderr.AppendLine(e.Data);
                log?.Invoke(e.Data);
            };
            process.Start();
            process.BeginErrorReadLine();
            var stdoutTask = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(30)))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                return PyTorchRun.Missing($"{Script} did not finish within {(timeout ?? TimeSpan.FromMinutes(30)).TotalMinutes:0} minutes");
            }
            process.WaitForExit(); // drains the asynchronous stderr reader
            string stdout = stdoutTask.GetAwaiter().GetResult();
            var run = PyTorchRun.Parse(stdout);
            if (!run.Available && process.ExitCode != 0 && process.ExitCode != 3)
            {
                string last;
                lock (stderr) last = stderr.ToString().Trim().Split('\n').LastOrDefault()?.Trim() ?? "";
                run = PyTorchRun.Missing($"{Script} exited with status {process.ExitCode}" + (last.Length > 0 ? $": {last}" : ""));
            }
            return run with { LoadBefore = loadBefore, LoadAfter = BenchDocument.LoadAverage(), Seconds = Stopwatch.GetElapsedTime(start).TotalSeconds };
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return PyTorchRun.Missing($"{Python} could not be run ({ex.Message})");
        }
    }
}

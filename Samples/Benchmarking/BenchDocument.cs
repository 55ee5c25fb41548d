using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Samples;

/// <summary>Where the numbers were measured.</summary>
public sealed record MachineInfo(int Cores, string Cpu, string Os, string DotNet, string TorchSharp, string LibTorch,
    int TorchThreads, string LoadBefore, string LoadAfter, DateTime DateUtc);

/// <summary>
/// docs/benchmarks.md: a fixed header, then one section per suite between <c>&lt;!-- bench:KEY --&gt;</c> and
/// <c>&lt;!-- /bench:KEY --&gt;</c>. Running one suite replaces its section and keeps the others.
/// </summary>
public static class BenchDocument
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The suites in document order.</summary>
    public static readonly IReadOnlyList<string> SuiteOrder = new[] { "resnet", "wavelets", "octave", "pyramids", "onnx", "pytorch", "micro" };

    public const string Header =
        "# Benchmarks\n\n" +
        "Written by the `bench` command; do not edit by hand, run it again. `dotnet run --project Samples -c Release -- bench`\n" +
        "runs every suite; `bench resnet`, `bench wavelets`, `bench octave`, `bench pyramids`, `bench onnx`, `bench pytorch` or `bench micro` runs one and rewrites only its section. Every number that\n" +
        "compares is a ratio against a baseline measured in the same run (interleaved back-to-back pairs, median of the\n" +
        "pair ratios, under `no_grad`), never a wall-clock limit.\n";

    /// <summary>The "Where the time goes" table of a section (nothing when there is no breakdown).</summary>
    public static void AppendBreakdown(StringBuilder sb, IReadOnlyList<OpTiming> breakdown)
    {
        if (breakdown.Count == 0) return;
        sb.AppendLine();
        sb.AppendLine("### Where the time goes");
        sb.AppendLine();
        sb.AppendLine("Median of 15 calls of each operation on its own (not paired; for proportions, not for ratios):");
        sb.AppendLine();
        sb.AppendLine("| breakdown | operation | median ms |");
        sb.AppendLine("|---|---|---:|");
        foreach (var o in breakdown)
            sb.AppendLine($"| {o.Breakdown} | {o.Operation} | {PairedTiming.Ms(o.MedianMs)} |");
    }

    /// <summary>A section's title and the command that wrote it, as a bash block.</summary>
    public static void AppendTitle(StringBuilder sb, string title, string command)
    {
        sb.AppendLine("## " + title);
        sb.AppendLine();
        sb.AppendLine("```bash");
        sb.AppendLine(command);
        sb.AppendLine("```");
        sb.AppendLine();
    }

    public static string Begin(string key) => $"<!-- bench:{key} -->";
    public static string End(string key) => $"<!-- /bench:{key} -->";

    /// <summary>
    /// The sections of an existing document by suite key (a document without section markers, such as the single-suite
    /// layout before suites existed, has none: it is replaced whole).
    /// </summary>
    public static Dictionary<string, string> Sections(string? document)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(document)) return result;
        string text = document.Replace("\r\n", "\n");
        foreach (var key in SuiteOrder)
        {
            int start = text.IndexOf(Begin(key), StringComparison.Ordinal);
            if (start < 0) continue;
            int end = text.IndexOf(End(key), start, StringComparison.Ordinal);
            if (end < 0) continue;
            start += Begin(key).Length;
            result[key] = text.Substring(start, end - start).Trim('\n') + "\n";
        }
        return result;
    }

    /// <summary>
    /// What an existing document holds after its last suite section: sections written by other commands (the generator's
    /// timings, printed by a test), which the <c>bench</c> suites keep as they are. Empty when there are no sections.
    /// </summary>
    public static string Trailer(string? document)
    {
        if (string.IsNullOrEmpty(document)) return "";
        string text = document.Replace("\r\n", "\n");
        int last = -1;
        foreach (var key in SuiteOrder)
        {
            int end = text.LastIndexOf(End(key), StringComparison.Ordinal);
            if (end >= 0) last = Math.Max(last, end + End(key).Length);
        }
        if (last < 0) return "";
        var rest = text.Substring(last).Trim('\n');
        return rest.Length == 0 ? "" : rest + "\n";
    }

    /// <summary>The document with <paramref name="replaced"/> sections set and every other section of <paramref name="existing"/>
    /// kept, and what follows the sections (<see cref="Trailer"/>).</summary>
    public static string Merge(string? existing, IReadOnlyDictionary<string, string> replaced)
    {
        var sections = Sections(existing);
        foreach (var (key, body) in replaced)
        {
            if (!SuiteOrder.Contains(key)) throw new ArgumentException($"BenchDocument: unknown suite '{key}'.", nameof(replaced));
            sections[key] = body.Replace("\r\n", "\n").Trim('\n') + "\n";
        }
        var sb = new StringBuilder(Header);
        foreach (var key in SuiteOrder)
        {
            if (!sections.TryGetValue(key, out var body)) continue;
            sb.Append('\n').Append(Begin(key)).Append('\n').Append(body).Append(End(key)).Append('\n');
        }
        var trailer = Trailer(existing);
        if (trailer.Length > 0) sb.Append('\n').Append(trailer);
        return sb.ToString();
    }

    /// <summary>The machine table (a markdown block without heading).</summary>
    public static string FormatMachine(MachineInfo m)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| | |");
        sb.AppendLine("|---|---|");
        sb.AppendLine($"| date (UTC) | {m.DateUtc.ToString("yyyy-MM-dd HH:mm", Inv)} |");
        sb.AppendLine($"| cores (`nproc`) | {m.Cores} |");
        sb.AppendLine($"| CPU (/proc/cpuinfo) | {m.Cpu} |");
        sb.AppendLine($"| OS | {m.Os} |");
        sb.AppendLine($"| .NET | {m.DotNet} |");
        sb.AppendLine($"| TorchSharp / LibTorch | {m.TorchSharp} / {m.LibTorch} (CPU) |");
        sb.AppendLine($"| `torch.get_num_threads()` | {m.TorchThreads} |");
        sb.AppendLine($"| load average (1, 5, 15 min) before / after | {m.LoadBefore} / {m.LoadAfter} |");
        return sb.ToString();
    }

    /// <summary>The shared-machine caveat, when the 1-minute load average says the run had company.</summary>
    public static string? LoadCaveat(MachineInfo m)
    {
        if (!double.TryParse(m.LoadBefore.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(), NumberStyles.Float, Inv, out double load)
            || load <= 0.5 * m.Cores)
            return null;
        return $"The machine was shared: the 1-minute load average was {load.ToString("0.0", Inv)} on {m.Cores} cores when the run started " +
            "(it counts earlier suites of the same run as well as any other work), so absolute times are inflated and noisy; the interleaved ratios are what to read.";
    }

    public static MachineInfo Machine(string loadBefore)
    {
        string cpu = "unknown";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        string torchSharp = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "?";
        string libTorch;
        try { libTorch = torch.__version__; } catch (Exception) { libTorch = "?"; }
        return new MachineInfo(Environment.ProcessorCount, cpu, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
            torchSharp.Split('+')[0], libTorch, torch.get_num_threads(), loadBefore, LoadAverage(), DateTime.UtcNow);
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    public static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "NetDsl.sln"))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}

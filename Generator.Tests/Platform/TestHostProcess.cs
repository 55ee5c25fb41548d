using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace NetDsl.Generator.Tests.Platform;

/// <summary>Runs an assembly in the test binaries' folder as a child process: the test host's runtimeconfig and deps carry
/// TorchSharp, the runtime and the native LibTorch it needs.</summary>
public static class TestHostProcess
{
    /// <summary>Runs <paramref name="assembly"/> with <paramref name="args"/>; a null value in <paramref name="env"/> removes
    /// that variable from the child's environment.</summary>
    public static (int Exit, string Stdout, string Stderr) Run(string assembly, IReadOnlyDictionary<string, string?> env, params string[] args)
    {
        string dir = AppContext.BaseDirectory;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "exec", "--runtimeconfig", Path.Combine(dir, "NetDsl.Generator.Tests.runtimeconfig.json"),
                     "--depsfile", Path.Combine(dir, "NetDsl.Generator.Tests.deps.json"), assembly }.Concat(args))
            start.ArgumentList.Add(a);
        foreach (var (k, v) in env)
        {
            start.Environment.Remove(k);
            if (v is not null) start.Environment[k] = v;
        }
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        if (!child.WaitForExit(120_000))
        {
            child.Kill(entireProcessTree: true);
            Assert.Fail("the child did not finish in 120 s");
        }
        return (child.ExitCode, stdout.Result, stderr.Result);
    }
}

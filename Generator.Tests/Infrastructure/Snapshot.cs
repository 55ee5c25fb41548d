using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Xunit.Sdk;

namespace NetDsl.Generator.Tests.Infrastructure;

/// <summary>
/// A small snapshot helper with Verify's conventions (Verify itself cannot be restored here):
/// <c>Snapshots/{Name}.verified.cs</c> is committed; on a mismatch the actual text is written to
/// <c>{Name}.received.cs</c> (git-ignored) and the test fails with the first differing line.
/// Set <c>NETDSL_ACCEPT_SNAPSHOTS=1</c> (or Verify's <c>VERIFY_AUTOACCEPT=1</c>) to accept the received text.
/// </summary>
public static class Snapshot
{
    public const string AcceptVariable = "NETDSL_ACCEPT_SNAPSHOTS";

    public static void Verify(string actual, string name, string extension = "cs", [CallerFilePath] string callerFile = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        Directory.CreateDirectory(directory);
        var verifiedPath = Path.Combine(directory, $"{name}.verified.{extension}");
        var receivedPath = Path.Combine(directory, $"{name}.received.{extension}");
        var text = Scrub(actual);

        if (File.Exists(verifiedPath) && Normalize(File.ReadAllText(verifiedPath)) == text)
        {
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }
        if (Accepting)
        {
            File.WriteAllText(verifiedPath, text);
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, text);
        if (!File.Exists(verifiedPath))
            throw new XunitException($"No verified snapshot for {name}. Review {receivedPath} and rename it to {Path.GetFileName(verifiedPath)}, or run with {AcceptVariable}=1.");
        var expected = Normalize(File.ReadAllText(verifiedPath)).Split('\n');
        var got = text.Split('\n');
        int line = Enumerable.Range(0, Math.Min(expected.Length, got.Length)).FirstOrDefault(i => expected[i] != got[i], Math.Min(expected.Length, got.Length));
        throw new XunitException(
            $"Snapshot {name} differs at line {line + 1}:\n  verified: {(line < expected.Length ? expected[line] : "<end>")}\n  received: {(line < got.Length ? got[line] : "<end>")}\n" +
            $"Received text written to {receivedPath}; accept with {AcceptVariable}=1 after review.");
    }

    private static bool Accepting =>
        Environment.GetEnvironmentVariable(AcceptVariable) is "1" or "true" ||
        Environment.GetEnvironmentVariable("VERIFY_AUTOACCEPT") is "1" or "true";

    /// <summary>Removes what depends on the machine or the build: the generator version, BOMs and CR characters.</summary>
    public static string Scrub(string text)
    {
        text = Normalize(text);
        return Regex.Replace(text, "GeneratedCode\\(\"NetDsl\", \"[^\"]+\"\\)", "GeneratedCode(\"NetDsl\", \"<VERSION>\")");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimStart('\uFEFF');
}

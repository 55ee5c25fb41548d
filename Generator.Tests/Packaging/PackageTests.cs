using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.Generator.Tests.Packaging;

/// <summary>
/// Packs NetDsl once (<c>dotnet pack Runtime -c Release</c>, a version of its own so that no cached copy stands in) into a
/// local feed, and its <c>dotnet new</c> template package beside it, for the tests below: they use them as a user gets them.
/// </summary>
public sealed class PackedNetDsl : IDisposable
{
    public PackedNetDsl()
    {
        Root = Path.Combine(Path.GetTempPath(), "netdsl-package-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        Feed = Path.Combine(Root, "feed");
        Directory.CreateDirectory(Feed);
        Version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss") + "." + Environment.ProcessId;
        // The template package (templates/) packs meanwhile, into a folder of its own: it has no code to build.
        string templateFeed = Path.Combine(Root, "templates");
        var templates = System.Threading.Tasks.Task.Run(() =>
            Dotnet(RepositoryRoot, $"pack templates/NetDsl.Templates.csproj -c Release -o \"{templateFeed}\" -p:Version={Version} -nologo"));
        var (code, output) = Dotnet(RepositoryRoot, $"pack Runtime/Runtime.csproj -c Release -o \"{Feed}\" -p:Version={Version} -nologo");
        PackOutput = output;
        PackExitCode = code;
        Package = Path.Combine(Feed, $"NetDsl.{Version}.nupkg");
        (TemplatePackExitCode, TemplatePackOutput) = templates.Result;
        TemplatePackage = Path.Combine(templateFeed, $"NetDsl.Templates.{Version}.nupkg");
    }

    public string Root { get; }
    public string Feed { get; }
    public string Version { get; }
    public string Package { get; }
    public int PackExitCode { get; }
    public string PackOutput { get; }

    /// <summary>The <c>dotnet new</c> template package, NetDsl.Templates, of the same version.</summary>
    public string TemplatePackage { get; }
    public int TemplatePackExitCode { get; }
    public string TemplatePackOutput { get; }

    /// <summary>The checkout: the folder above the test binaries that holds NetDsl.sln.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "NetDsl.sln"))) return dir.FullName;
            throw new InvalidOperationException("NetDsl.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A consumer project in its own folder with one Program.cs: NetDsl comes from the local feed (this run's version
    /// exists nowhere else), TorchSharp and LibTorch from the machine's usual sources.</summary>
    public string Consumer(string name, string program, bool backend)
    {
        string dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        WriteNuGetConfig(dir);
        File.WriteAllText(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="NetDsl" Version="{Version}" />
                {(backend ? "<PackageReference Include=\"libtorch-cpu-linux-x64\" Version=\"2.10.0\" />" : "")}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), program);
        return dir;
    }

    /// <summary>A nuget.config in <paramref name="dir"/> that adds the local feed to the machine's usual sources.</summary>
    public void WriteNuGetConfig(string dir) =>
        File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="netdsl-local" value="{Feed}" />
              </packageSources>
            </configuration>
            """);

    /// <summary>Runs dotnet outside the test's own MSBuild environment (the variables the test host inherits would
    /// point the child at this build's SDK resolution).</summary>
    public static (int ExitCode, string Output) Dotnet(string workingDirectory, string arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "DOTNET_HOST_PATH").ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(15 * 60 * 1000))
        {
            process.Kill(entireProcessTree: true);
            return (-1, stdout + "\n(timed out)");
        }
        return (process.ExitCode, stdout + stderr.Result);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
            // The package cache keeps every restored version: this run's own is removed again.
            string home = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            string cached = Path.Combine(home, "netdsl", Version.ToLowerInvariant());
            if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The NetDsl package as users get it: its layout, a consumer that builds and runs a network, one that gets the
/// NDSL error on its line.</summary>
public sealed partial class PackageTests : IClassFixture<PackedNetDsl>
{
    private readonly PackedNetDsl _package;
    private readonly ITestOutputHelper _output;

    public PackageTests(PackedNetDsl package, ITestOutputHelper output)
    {
        _package = package;
        _output = output;
    }

    [Fact]
    public void Pack_makes_one_package_with_the_generator_under_analyzers_and_the_runtime_under_lib()
    {
        Assert.True(_package.PackExitCode == 0, _package.PackOutput);
        using var zip = ZipFile.OpenRead(_package.Package);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("lib/net10.0/NetDsl.Runtime.dll", entries);
        Assert.Contains("analyzers/dotnet/roslyn4.11/cs/NetDsl.Generator.dll", entries);
        foreach (var folder in new[] { "build", "buildTransitive" })
        {
            Assert.Contains(folder + "/NetDsl.targets", entries);
            Assert.Contains(folder + "/NetDsl.NativeFix.targets", entries);
        }
        Assert.Contains("README.md", entries);
        Assert.Contains("LICENSE", entries);
        // The generator is a compiler plug-in only: never a reference of the consumer's code.
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.EndsWith("NetDsl.Generator.dll", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Contains("Microsoft.CodeAnalysis", StringComparison.Ordinal));

        string nuspec = new StreamReader(zip.GetEntry("NetDsl.nuspec")!.Open()).ReadToEnd();
        Assert.Contains("<id>NetDsl</id>", nuspec);
        Assert.Contains($"<version>{_package.Version}</version>", nuspec);
        Assert.Contains("<license type=\"expression\">MIT</license>", nuspec);
        Assert.Contains("<readme>README.md</readme>", nuspec);
        // Managed TorchSharp only (the backend, libtorch-cpu-linux-x64, TorchSharp-cpu or CUDA, is the application's
        // choice), TorchSharp.PyBridge for PyTorch's checkpoint formats (LoadWeights, SaveWeights), Google.Protobuf for ONNX.
        var dependencies = Regex.Matches(nuspec, "<dependency id=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(new[] { "Google.Protobuf", "TorchSharp", "TorchSharp.PyBridge" }, dependencies.Order(StringComparer.Ordinal));
    }

    private const string GoodProgram = """
        using NetDsl;
        using static TorchSharp.torch;

        using var net = new HdcNet();
        Console.WriteLine("params " + HdcNet.Summary.TotalParams);
        Console.WriteLine("torchsharp " + net.parameters().Sum(p => p.numel()));
        using var y = net.call(randn(2, 3, 64, 64));
        Console.WriteLine("shape " + string.Join("x", y.shape));

        [Network(InChannels = 3, Height = 64, Width = 64)]
        public partial class HdcNet
        {
            [Conv(32, Kernel = 3, Dilation = 1), BatchNorm, ReLU] Stage conv1;
            [Conv(32, Kernel = 3, Dilation = 2), BatchNorm, ReLU] Stage conv2;
            [GlobalAvgPool, Flatten] Stage pool;
            [Linear(10)] Stage fc;
        }
        """;

    [Fact]
    public void A_fresh_project_restores_the_package_declares_a_network_builds_and_runs_it()
    {
        Assert.True(_package.PackExitCode == 0, _package.PackOutput);
        string dir = _package.Consumer("GoodConsumer", GoodProgram, backend: true);
        var (code, output) = PackedNetDsl.Dotnet(dir, "run -c Release");
        _output.WriteLine(output);
        Assert.True(code == 0, output);
        // 3·32·9 + 32, 2·32 (BN), 32·32·9 + 32, 2·32, 32·10 + 10: counted here, not copied from the summary.
        long expected = (3 * 32 * 9 + 32) + 64 + (32 * 32 * 9 + 32) + 64 + (32 * 10 + 10);
        Assert.Contains("params " + expected, output);
        Assert.Contains("torchsharp " + expected, output);
        Assert.Contains("shape 2x10", output);
    }

    [Fact]
    public void A_wrong_declaration_in_a_fresh_project_fails_the_build_with_the_NDSL_error_on_its_line()
    {
        Assert.True(_package.PackExitCode == 0, _package.PackOutput);
        string program = GoodProgram.Replace("[Conv(32, Kernel = 3, Dilation = 2), BatchNorm, ReLU] Stage conv2;", "[Conv(32, Kernel = 3, Dilation = 2, In = 64), BatchNorm, ReLU] Stage conv2;");
        int line = program.Split('\n').ToList().FindIndex(l => l.Contains("In = 64")) + 1;
        string dir = _package.Consumer("BadConsumer", program, backend: false);
        var (code, output) = PackedNetDsl.Dotnet(dir, "build -c Release");
        _output.WriteLine(output);
        Assert.NotEqual(0, code);
        Assert.Matches(new Regex($@"Program\.cs\({line},\d+\): error NDSL0003: HdcNet\.conv2: Conv2d expects 64 input channels but receives 32"), output);
    }
}

using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace NetDsl.Generator.Tests.Packaging;

/// <summary>The <c>dotnet new netdsl-console</c> template (templates/), packed, installed into a private hive, instantiated
/// and run against this run's NetDsl package.</summary>
public sealed partial class PackageTests
{
    private static string TemplateFolder => Path.Combine(PackedNetDsl.RepositoryRoot, "templates");

    [Fact]
    public void The_template_is_packed_installed_instantiated_and_its_app_prints_the_summary_and_a_forward()
    {
        Assert.True(_package.PackExitCode == 0, _package.PackOutput);
        Assert.True(_package.TemplatePackExitCode == 0, _package.TemplatePackOutput);
        string nupkg = _package.TemplatePackage;
        using (var zip = ZipFile.OpenRead(nupkg))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("content/netdsl-console/.template.config/template.json", entries);
            Assert.Contains("content/netdsl-console/Program.cs", entries);
            string nuspec = new StreamReader(zip.GetEntry("NetDsl.Templates.nuspec")!.Open()).ReadToEnd();
            Assert.Contains("<packageType name=\"Template\" />", nuspec);
        }

        // A hive of its own: the user's installed templates are neither read nor changed.
        string hive = Path.Combine(_package.Root, "hive");
        var (installed, installOutput) = PackedNetDsl.Dotnet(_package.Root, $"new install \"{nupkg}\" --debug:custom-hive \"{hive}\"");
        _output.WriteLine(installOutput);
        Assert.True(installed == 0, installOutput);
        Assert.Contains("netdsl-console", installOutput);

        string app = Path.Combine(_package.Root, "TemplateApp");
        var (created, newOutput) = PackedNetDsl.Dotnet(_package.Root,
            $"new netdsl-console -n TemplateApp -o \"{app}\" --netdsl-version {_package.Version} --no-restore --debug:custom-hive \"{hive}\"");
        _output.WriteLine(newOutput);
        Assert.True(created == 0, newOutput);
        Assert.True(File.Exists(Path.Combine(app, "TemplateApp.csproj")), newOutput); // the project is named after -n
        _package.WriteNuGetConfig(app);

        var (code, output) = PackedNetDsl.Dotnet(app, "run -c Release");
        _output.WriteLine(output);
        Assert.True(code == 0, output);
        Assert.Contains("SmallNet: input [N, 3, 32, 32] -> output [N, 10]", output);
        // conv 3·16·9 + 16, BN 2·16, conv 16·32·9 + 32, BN 2·32, linear 32·10 + 10: counted here, not read from the summary.
        long expected = (3 * 16 * 9 + 16) + 32 + (16 * 32 * 9 + 32) + 64 + (32 * 10 + 10);
        Assert.Contains("Total params: " + expected.ToString("N0", CultureInfo.InvariantCulture), output);
        Assert.Contains("forward: [4, 3, 32, 32] -> [4, 10]", output);
        Assert.Matches(new Regex(@"first image's class: \d of 10"), output);
    }

    [Fact]
    public void The_templates_default_NetDsl_version_is_the_packages_version()
    {
        using var template = JsonDocument.Parse(File.ReadAllText(Path.Combine(TemplateFolder, "netdsl-console", ".template.config", "template.json")));
        string templateDefault = template.RootElement.GetProperty("symbols").GetProperty("NetDslVersion").GetProperty("defaultValue").GetString()!;
        string runtime = XDocument.Load(Path.Combine(PackedNetDsl.RepositoryRoot, "Runtime", "Runtime.csproj")).Descendants("Version").Single().Value;
        string templates = XDocument.Load(Path.Combine(TemplateFolder, "NetDsl.Templates.csproj")).Descendants("Version").Single().Value;
        Assert.Equal(runtime, templateDefault);
        Assert.Equal(runtime, templates);
        // The placeholder the parameter replaces is in the project file, so --netdsl-version reaches the PackageReference.
        Assert.Contains("NETDSL_PACKAGE_VERSION", File.ReadAllText(Path.Combine(TemplateFolder, "netdsl-console", "NetDslConsole.csproj")));
    }
}

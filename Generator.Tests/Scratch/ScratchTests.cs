using System.Linq;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
namespace NetDsl.Generator.Tests.Scratch;
public class ScratchTests(ITestOutputHelper o)
{
    [Fact]
    public void Show()
    {
        var r = GeneratorHarness.Run(System.IO.File.ReadAllText("/tmp/scratch.cs"));
        foreach (var d in r.CompilationDiagnostics) o.WriteLine(d.ToString());
        foreach (var s in r.Sources) o.WriteLine(s.Key + "\n" + s.Value);
    }
    [Fact]
    public void Api()
    {
        foreach (var m in typeof(TorchSharp.Modules.Sequential).GetMethods().Where(m => m.Name.Contains("append") || m.Name.Contains("Add")))
            o.WriteLine(m.ToString());
        foreach (var m in typeof(TorchSharp.torch.nn).GetMethods().Where(m => m.Name == "Sequential"))
            o.WriteLine(m.ToString());
    }
}

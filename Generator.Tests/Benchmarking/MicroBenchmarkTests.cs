using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using NetDsl.Samples;
using NetDsl.Samples.Benchmarking.Micro;
using TorchSharp;
using Xunit;

namespace NetDsl.Generator.Tests.Benchmarking;

/// <summary>
/// `bench micro`'s BenchmarkDotNet cases, run once each without BenchmarkDotNet: every case of every parameter value runs,
/// each class has one baseline, and the setup's agreement check passes (so a recorded ratio never compares two
/// computations that differ); the check itself rejects tensors that differ.
/// </summary>
public class MicroBenchmarkTests
{
    public static IEnumerable<object[]> CaseTypes => MicroBenchmarks.Cases.Select(t => new object[] { t.Name });

    [Theory]
    [MemberData(nameof(CaseTypes))]
    public void Every_case_runs_once_for_every_parameter_value_after_its_agreement_check(string name)
    {
        var type = MicroBenchmarks.Cases.Single(t => t.Name == name);
        var methods = type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null).ToList();
        Assert.True(methods.Count >= 2, $"{name} compares at least two computations");
        Assert.Single(methods, m => m.GetCustomAttribute<BenchmarkAttribute>()!.Baseline);

        var parameter = type.GetProperties().SingleOrDefault(p => p.GetCustomAttribute<ParamsAttribute>() is not null);
        object?[] values = parameter?.GetCustomAttribute<ParamsAttribute>()!.Values ?? new object?[] { null };
        foreach (var value in values)
        {
            var instance = Activator.CreateInstance(type)!;
            if (parameter is not null) parameter.SetValue(instance, value);
            Invoke<GlobalSetupAttribute>(type, instance); // throws when the compared computations disagree
            try
            {
                foreach (var m in methods) m.Invoke(instance, null);
            }
            finally
            {
                Invoke<GlobalCleanupAttribute>(type, instance);
            }
        }
    }

    [Fact]
    public void The_agreement_check_rejects_different_values_and_shapes()
    {
        TorchMicroBenchmark.AssertSame("equal", torch.ones(2, 3), torch.ones(2, 3));
        var differ = Assert.Throws<InvalidOperationException>(() => TorchMicroBenchmark.AssertSame("values", torch.ones(2, 3), torch.ones(2, 3) * 1.001));
        Assert.Contains("differ by", differ.Message);
        var shapes = Assert.Throws<InvalidOperationException>(() => TorchMicroBenchmark.AssertSame("shapes", torch.ones(2, 3), torch.ones(3, 2)));
        Assert.Contains("shapes differ", shapes.Message);
        Assert.Equal(new long[] { 8, 64, 128, 128 }, TorchMicroBenchmark.Dims("8x64x128x128"));
    }

    [Fact]
    public void Formats_the_section_with_ratios_to_the_baseline()
    {
        var machine = new MachineInfo(2, "Test CPU", "Linux", ".NET 10.0.0", "0.107.0", "2.10.0", 2, "0.10 0.20 0.30", "0.10 0.20 0.30",
            new DateTime(2025, 1, 2, 3, 4, 0, DateTimeKind.Utc));
        var results = new[]
        {
            new MicroResult("HaarForwardBenchmark", "copy (x.clone())", "Shape=8x64x128x128", 10.0, 0.1, 1.0, true),
            new MicroResult("HaarForwardBenchmark", "Haar.Forward", "Shape=8x64x128x128", 12.5, 0.2, 1.25, false),
        };
        string section = MicroBenchmarks.Format(results, machine, "dotnet run --project Samples -c Release -- bench micro", quick: false);
        Assert.Contains("| HaarForwardBenchmark | Shape=8x64x128x128 | copy (x.clone()) (baseline) | 10.0 | 0.100 | 1.00 |", section);
        Assert.Contains("| HaarForwardBenchmark | Shape=8x64x128x128 | Haar.Forward | 12.5 | 0.200 | 1.25 |", section);
        Assert.Contains("bench micro", section);
        Assert.DoesNotContain("--quick", section);
        Assert.Contains("not measurements", MicroBenchmarks.Format(results, machine, "bench micro --quick", quick: true));
    }

    private static void Invoke<TAttribute>(Type type, object instance) where TAttribute : Attribute
    {
        foreach (var m in type.GetMethods().Where(m => m.GetCustomAttribute<TAttribute>() is not null))
        {
            try { m.Invoke(instance, null); }
            catch (TargetInvocationException e) when (e.InnerException is not null) { throw e.InnerException; }
        }
    }
}

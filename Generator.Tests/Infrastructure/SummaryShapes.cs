using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;

namespace NetDsl.Generator.Tests.Infrastructure;

/// <summary>
/// Reading a generated network's compile-time summary against what TorchSharp does (PropertyTests, the fuzz):
/// evaluating a summary shape at a size, and loading a generated assembly next to TorchSharp and NetDsl.Runtime.
/// </summary>
public static class SummaryShapes
{
    /// <summary>"[N, 8, 2H/3+1, W-6]" at H, W → { null (batch), 8, ..., ... }; "?" stays null (unknown).</summary>
    public static List<long?> Evaluate(string shape, long h, long w)
    {
        var parts = shape.Trim('[', ']').Split(", ");
        if (parts[0] != "N") throw new FormatException($"shape '{shape}' does not start with N");
        var dims = new List<long?> { 2 };
        foreach (var part in parts.Skip(1))
        {
            if (part == "?")
            {
                dims.Add(null);
                continue;
            }
            if (long.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                dims.Add(n);
                continue;
            }
            var m = Regex.Match(part, @"^(\d*)([HW])(?:/(\d+))?(?:([+-])(\d+))?$");
            if (!m.Success) throw new FormatException($"cannot evaluate '{part}' of '{shape}'");
            long num = m.Groups[1].Value.Length == 0 ? 1 : long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            long den = m.Groups[3].Success ? long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 1;
            long x = m.Groups[2].Value == "H" ? h : w;
            if (num * x % den != 0) throw new FormatException($"'{part}' of '{shape}' is not an integer at {m.Groups[2].Value} = {x}");
            long value = num * x / den;
            if (m.Groups[4].Success) value += (m.Groups[4].Value == "+" ? 1 : -1) * long.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture);
            dims.Add(value);
        }
        return dims;
    }

    public static bool Matches(List<long?> expected, long[] actual) =>
        expected.Count == actual.Length && expected.Zip(actual).All(p => p.First is null || p.First == p.Second);

    /// <summary>Resolves TorchSharp and NetDsl.Runtime from the default context, so types and native state are shared.</summary>
    public sealed class BatchLoadContext : AssemblyLoadContext
    {
        public BatchLoadContext(string name) : base(name, isCollectible: true) { }

        protected override Assembly? Load(AssemblyName name) =>
            name.Name is "TorchSharp" or "NetDsl.Runtime" ? Default.LoadFromAssemblyName(name) : null;
    }
}

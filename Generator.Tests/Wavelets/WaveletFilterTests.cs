using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Wavelets;
using Xunit;

namespace NetDsl.Generator.Tests.Wavelets;

/// <summary>The derived filters against the four filters the real PyWavelets prints for every wavelet.</summary>
public class WaveletFilterTests
{
    public static IEnumerable<object[]> AllNames() => Wavelet.Names.Select(n => new object[] { n });

    [Fact]
    public void Names_are_exactly_the_fixture_wavelets()
    {
        var fixture = WaveletFixtures.Filters.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(75, Wavelet.Names.Count);
        Assert.Equal(fixture, Wavelet.Names);
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Filters_equal_pywt(string name)
    {
        var expected = WaveletFixtures.Filters.GetProperty(name);
        var w = Wavelet.Get(name);
        Assert.Equal(name, w.Name);
        Assert.Equal(expected.GetProperty("family").GetString(), w.FamilyName);
        Assert.Equal(expected.GetProperty("short_family").GetString(), w.ShortFamilyName);
        Assert.Equal(expected.GetProperty("orthogonal").GetBoolean(), w.Orthogonal);
        foreach (var (key, actual) in new[] { ("dec_lo", w.DecLo), ("dec_hi", w.DecHi), ("rec_lo", w.RecLo), ("rec_hi", w.RecHi) })
        {
            var reference = WaveletFixtures.Vector(expected.GetProperty(key));
            Assert.Equal(reference.Length, actual.Length);
            Assert.Equal(w.Length, actual.Length);
            for (int i = 0; i < reference.Length; i++)
                Assert.True(Math.Abs(reference[i] - actual[i]) <= 1e-12,
                    $"{name}.{key}[{i}] = {actual[i]:R}, pywt prints {reference[i]:R}");
        }
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Filters_satisfy_the_wavelet_identities(string name)
    {
        // Independent of pywt's printout: low-pass filters sum to sqrt(2), high-pass ones to 0, and the bank is
        // biorthogonal: sum_k dec_x[k] rec_y[L - 1 - k + 2m] = delta(m) when x = y, 0 across lo/hi (orthonormal
        // filters are the special case rec = reversed dec). pywt's own tables meet these to about 1.5e-11 (sym20).
        const double tol = 1e-10;
        var w = Wavelet.Get(name);
        Near(Math.Sqrt(2), w.DecLo.Sum(), tol, "sum dec_lo");
        Near(Math.Sqrt(2), w.RecLo.Sum(), tol, "sum rec_lo");
        Near(0, w.DecHi.Sum(), tol, "sum dec_hi");
        Near(0, w.RecHi.Sum(), tol, "sum rec_hi");
        int n = w.Length;
        for (int m = -(n / 2); m <= n / 2; m++)
        {
            double delta = m == 0 ? 1 : 0;
            Near(delta, Shifted(w.DecLo, w.RecLo, m), tol, $"dec_lo * rec_lo at shift {m}");
            Near(delta, Shifted(w.DecHi, w.RecHi, m), tol, $"dec_hi * rec_hi at shift {m}");
            Near(0, Shifted(w.DecLo, w.RecHi, m), tol, $"dec_lo * rec_hi at shift {m}");
            Near(0, Shifted(w.DecHi, w.RecLo, m), tol, $"dec_hi * rec_lo at shift {m}");
        }
        if (w.Orthogonal)
            Assert.Equal(w.DecLo.Reverse(), w.RecLo);
    }

    private static double Shifted(double[] dec, double[] rec, int m)
    {
        int n = dec.Length;
        double sum = 0;
        for (int k = 0; k < n; k++)
        {
            int j = n - 1 - k + 2 * m;
            if (j >= 0 && j < n) sum += dec[k] * rec[j];
        }
        return sum;
    }

    private static void Near(double expected, double actual, double tol, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tol, $"{what}: {actual:R}, expected {expected:R}");

    [Fact]
    public void Reference_values_from_the_notes()
    {
        // wavelets.md section 8: db2's table and the Haar filters, written out independently of the fixture.
        var db2 = Wavelet.Get("db2");
        Assert.Equal(new[] { 0.48296291314453416, 0.8365163037378079, 0.2241438680420134, -0.12940952255126037 }, db2.RecLo);
        Assert.Equal(new[] { -0.48296291314453416, 0.8365163037378079, -0.2241438680420134, -0.12940952255126037 }, db2.DecHi);
        var haar = Wavelet.Get("haar");
        Assert.Equal(new[] { -0.7071067811865476, 0.7071067811865476 }, haar.DecHi);
        Assert.Equal(new[] { 0.7071067811865476, -0.7071067811865476 }, haar.RecHi);
        Assert.Equal(-0.07273261951252645, Wavelet.Get("coif1").RecLo[0], 15);
        Assert.Equal(new[] { 0.0, 0.0, -0.7071067811865476, 0.7071067811865476, 0.0, 0.0 }, Wavelet.Get("bior1.3").DecHi);
        // sym2 and db2 come from different tables and differ in the 13th digit.
        Assert.NotEqual(db2.RecLo[0], Wavelet.Get("sym2").RecLo[0]);
    }

    [Fact]
    public void Lookup_is_case_insensitive_and_returns_fresh_arrays()
    {
        var a = Wavelet.Get("DB4");
        Assert.Equal("db4", a.Name);
        a.DecLo[0] = 42;
        Assert.NotEqual(42, Wavelet.Get("db4").DecLo[0]);
    }

    [Theory]
    [InlineData("db21")]
    [InlineData("db0")]
    [InlineData("db01")]
    [InlineData("sym1")]
    [InlineData("coif6")]
    [InlineData("bior1.2")]
    [InlineData("rbio7.7")]
    [InlineData("dmey")]
    [InlineData("")]
    public void Unknown_names_throw_with_the_valid_list(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => Wavelet.Get(name));
        Assert.Contains($"'{name}'", ex.Message);
        Assert.Contains("haar, db1, db2", ex.Message);
        Assert.Contains("rbio6.8", ex.Message);
        Assert.Equal("name", ex.ParamName);
    }
}

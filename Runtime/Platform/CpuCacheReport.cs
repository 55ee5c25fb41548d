using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.Intrinsics.X86;

namespace NetDsl
{
    /// <summary>
    /// The data cache sizes the CPU reports through CPUID, read the way LibTorch 2.10's oneDNN (3.7.1, through Xbyak's
    /// <c>setCacheHierarchy</c>) reads them: on AMD leaf 0x8000001D, sub-leaves 0 (L1d), 2 (L2) and 3 (L3), always three
    /// levels; on Intel leaf 4, every data or unified cache until the "no cache" entry. oneDNN's convolution blocking divides
    /// these sizes into its work; a virtual CPU that answers the cache leaf with zeros (where <c>lscpu</c> lists no caches)
    /// gives it 1-byte caches, and the backward of a strided 1x1 convolution then divides by zero (SIGFPE).
    /// </summary>
    public sealed class CpuCacheReport
    {
        /// <summary>The smallest size taken as a real cache (a real L1d has at least 16 KiB).</summary>
        public const long MinPlausibleBytes = 4096;

        public CpuCacheReport(string vendor, IReadOnlyList<long> dataCacheBytes)
        {
            Vendor = vendor ?? throw new ArgumentNullException(nameof(vendor));
            DataCacheBytes = dataCacheBytes ?? throw new ArgumentNullException(nameof(dataCacheBytes));
        }

        /// <summary>CPUID's vendor string ("AuthenticAMD", "GenuineIntel"), or "" when the CPU is not x86.</summary>
        public string Vendor { get; }

        /// <summary>The data (and unified) cache sizes oneDNN reads, L1d first; empty when it reads none.</summary>
        public IReadOnlyList<long> DataCacheBytes { get; }

        /// <summary>
        /// True when oneDNN sees a cache level of (almost) no size. With no level at all oneDNN guesses 32 KiB / 512 KiB /
        /// 1 MiB and is safe, so an empty list is not broken.
        /// </summary>
        public bool ReportsNoCacheSizes => DataCacheBytes.Any(b => b < MinPlausibleBytes);

        /// <summary>The report of this machine's CPU (read once).</summary>
        public static CpuCacheReport Current => current.Value;

        private static readonly Lazy<CpuCacheReport> current = new(Read);

        /// <summary>A cache size from the EBX and ECX of CPUID leaf 4 or 0x8000001D: ways × partitions × line size × sets.</summary>
        public static long CacheBytes(uint ebx, uint ecx) =>
            (long)(Bits(ebx, 22, 31) + 1) * (Bits(ebx, 12, 21) + 1) * (Bits(ebx, 0, 11) + 1) * ((long)ecx + 1);

        /// <summary>The report from CPUID answers: <paramref name="cpuid"/> gives (EAX, EBX, ECX, EDX) for (leaf, sub-leaf).</summary>
        public static CpuCacheReport FromCpuid(Func<uint, uint, (uint Eax, uint Ebx, uint Ecx, uint Edx)> cpuid)
        {
            var (_, b, c, d) = cpuid(0, 0);
            string vendor = Ascii(b) + Ascii(d) + Ascii(c);
            var sizes = new List<long>();
            if (vendor == "AuthenticAMD")
            {
                foreach (uint sub in new uint[] { 0, 2, 3 })
                {
                    var r = cpuid(0x8000001D, sub);
                    sizes.Add(CacheBytes(r.Ebx, r.Ecx));
                }
            }
            else if (vendor == "GenuineIntel")
            {
                for (uint i = 0; sizes.Count < 8 && i < 64; i++)
                {
                    var r = cpuid(4, i);
                    uint type = Bits(r.Eax, 0, 4);
                    if (type == 0) break;
                    if (type == 1 || type == 3) sizes.Add(CacheBytes(r.Ebx, r.Ecx));
                }
            }
            return new CpuCacheReport(vendor, sizes);
        }

        public override string ToString() =>
            DataCacheBytes.Count == 0
                ? $"{(Vendor.Length == 0 ? "no x86 CPUID" : Vendor)}: no data cache levels reported"
                : $"{Vendor}: data caches " + string.Join(", ", DataCacheBytes.Select((b, i) => $"L{i + 1} {Format(b)}"));

        private static CpuCacheReport Read()
        {
            if (!X86Base.IsSupported) return new CpuCacheReport("", Array.Empty<long>());
            return FromCpuid((leaf, sub) =>
            {
                var (a, b, c, d) = X86Base.CpuId(unchecked((int)leaf), unchecked((int)sub));
                return (unchecked((uint)a), unchecked((uint)b), unchecked((uint)c), unchecked((uint)d));
            });
        }

        private static uint Bits(uint v, int lo, int hi) => (v >> lo) & (uint)((1UL << (hi - lo + 1)) - 1);

        private static string Ascii(uint v) =>
            new string(new[] { (char)(v & 0xFF), (char)((v >> 8) & 0xFF), (char)((v >> 16) & 0xFF), (char)(v >> 24) });

        private static string Format(long bytes) =>
            bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? (bytes >> 20).ToString(CultureInfo.InvariantCulture) + " MiB"
            : bytes >= 1024 && bytes % 1024 == 0 ? (bytes >> 10).ToString(CultureInfo.InvariantCulture) + " KiB"
            : bytes.ToString(CultureInfo.InvariantCulture) + " B";
    }
}

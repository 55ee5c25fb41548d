using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Model;
using Value = NetDsl.Generator.Layers.LayerValue;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// Sizes between the multiples of the symbolic period. Inference keeps every size an exact affine form in
    /// t = H / M, so each floor on the way (a stride, a pooling) raises M; but PyTorch runs the sizes in between too,
    /// rounding down, and unless a later equality (a residual, a concat) or an octave layer needs exactness, so does the
    /// network. Each residue r of H modulo M is checked by fixed-size inference at the first two valid sizes with that
    /// residue; every size of the network is periodic in H with period M (M is a multiple of every stride), so two periods
    /// that work mean all of them do, and sizes only grow with H, so the minimum stays valid. The residues that work give
    /// the multiple the input must have; each term's offsets per residue keep the multiply-add formula exact at every size.
    /// </summary>
    public sealed partial class ShapeInference
    {
        /// <summary>Periods above this are left as they are (each residue costs two inferences).</summary>
        private const long MaxRelaxedPeriod = 128;

        private static void Relax(DeclarationSpec network, IReadOnlyDictionary<string, DeclarationSpec> blocks, InferenceResult result)
        {
            // SPEED's pyramid grids are not affine in the size even per residue; those networks keep the period.
            if (result.PyramidMacTerms.Count > 0) return;
            // The fixed-size runs take int sizes: the first two sizes of each residue (and the other axis' minimum) must fit.
            bool fits = result.MinHeight <= int.MaxValue - 2 * MaxRelaxedPeriod && result.MinWidth <= int.MaxValue - 2 * MaxRelaxedPeriod;
            if (!fits) return;
            long[][]? mapsH = null, mapsW = null;
            if (network.Height == 0 && result.ModulusH > 1 && result.ModulusH <= MaxRelaxedPeriod)
                mapsH = RelaxAxis(network, blocks, result, isHeight: true);
            if (network.Width == 0 && result.ModulusW > 1 && result.ModulusW <= MaxRelaxedPeriod)
                mapsW = RelaxAxis(network, blocks, result, isHeight: false);
            if (result.PeakActivation is not null && (mapsH is not null || mapsW is not null))
                PeakBetweenMultiples(network, blocks, result, mapsH, mapsW);
        }

        /// <summary>
        /// The peak at the sizes between the multiples: each map counted gets the class of its offsets over the residues
        /// (maps of one size at the multiples may round differently in between), and the network runs once more with them,
        /// so that only maps of one class share a term. Without it the peak is known at the multiples only.
        /// </summary>
        private static void PeakBetweenMultiples(DeclarationSpec network, IReadOnlyDictionary<string, DeclarationSpec> blocks, InferenceResult result,
            long[][]? mapsH, long[][]? mapsW)
        {
            static int[]? Classes(long[][]? table, List<long[]> classes)
            {
                if (table is null) return null;
                int slots = table[0].Length;
                var ids = new int[slots];
                var seen = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int k = 0; k < slots; k++)
                {
                    var column = table.Select(row => row[k]).ToArray();
                    string key = string.Join(",", column);
                    if (!seen.TryGetValue(key, out var id))
                    {
                        id = classes.Count;
                        seen[key] = id;
                        classes.Add(column);
                    }
                    ids[k] = id;
                }
                return ids;
            }
            var classesH = new List<long[]>();
            var classesW = new List<long[]>();
            var engine = new ShapeInference(blocks, result.ModulusH, result.ModulusW) { _mapClasses = (Classes(mapsH, classesH), Classes(mapsW, classesW)) };
            InferenceResult again;
            try
            {
                again = engine.Run(network);
            }
            catch (Exception e) when (e is ModulusRestart or OverflowException)
            {
                return;
            }
            if (!again.Completed || again.MemoryMaps.Count != result.MemoryMaps.Count || again.PeakActivation is null) return;
            result.PeakActivation = again.PeakActivation;
            result.PeakHeightClasses.AddRange(classesH);
            result.PeakWidthClasses.AddRange(classesW);
        }

        /// <summary>Relaxes one axis; returns the offsets of every map the peak counts at each residue (a row each), or null
        /// when they do not follow the residue formula (the peak stays known at the multiples only).</summary>
        private static long[][]? RelaxAxis(DeclarationSpec network, IReadOnlyDictionary<string, DeclarationSpec> blocks, InferenceResult result, bool isHeight)
        {
            long period = isHeight ? result.ModulusH : result.ModulusW;
            long min = isHeight ? result.MinHeight : result.MinWidth;
            // The other axis does not interact with this one (every operator works per axis): fix it at its smallest valid
            // multiple, so that the runs below do not redo its symbolic inference.
            long otherPeriod = isHeight ? result.ModulusW : result.ModulusH, otherMin = isHeight ? result.MinWidth : result.MinHeight;
            int other = (int)((otherMin + otherPeriod - 1) / otherPeriod * otherPeriod);
            if (isHeight && network.Width == 0) network = network with { Width = other };
            if (!isHeight && network.Height == 0) network = network with { Height = other };
            var terms = result.MacTerms;
            var offsets = new long[period][];
            offsets[0] = terms.Select(t => (isHeight ? t.Height : t.Width).Offset).ToArray();
            var works = new bool[period];
            works[0] = true;
            var maps = result.MemoryMaps;
            var mapOffsets = new long[period][];
            mapOffsets[0] = maps.Select(m => (isHeight ? m.Height : m.Width).Offset).ToArray();
            bool mapsFollow = true;
            for (long r = 1; r < period; r++)
            {
                // The first size >= the minimum with this residue, and the next one.
                long first = min + ((r - min % period) % period + period) % period;
                var at = new long[2][];
                var mapAt = new long[2][];
                bool ok = true;
                for (int k = 0; k < 2 && ok; k++)
                {
                    long size = first + k * period;
                    var spec = isHeight ? network with { Height = (int)size } : network with { Width = (int)size };
                    var fixedResult = Infer(spec, blocks, relax: false);
                    ok = fixedResult.Completed && fixedResult.MacTerms.Count == terms.Count && fixedResult.PyramidMacTerms.Count == 0;
                    if (ok) at[k] = fixedResult.MacTerms.Select(t => (isHeight ? t.Height : t.Width).Offset).ToArray();
                    if (ok && fixedResult.MemoryMaps.Count == maps.Count)
                        mapAt[k] = fixedResult.MemoryMaps.Select(m => (isHeight ? m.Height : m.Width).Offset).ToArray();
                }
                if (!ok) continue;
                // Term i's size at H = period * t + r is Coef * t + offset: the same offset from both sizes, or no relaxing.
                long t0 = first / period;
                var row = new long[terms.Count];
                for (int i = 0; i < terms.Count && ok; i++)
                {
                    long coef = (isHeight ? terms[i].Height : terms[i].Width).Coef;
                    row[i] = at[0][i] - coef * t0;
                    ok = at[1][i] == coef * (t0 + 1) + row[i];
                }
                if (!ok) continue;
                offsets[r] = row;
                works[r] = true;
                // The same for the maps the peak counts: known at this residue when both sizes follow one offset.
                if (mapAt[0] is null || mapAt[1] is null)
                {
                    mapsFollow = false;
                    continue;
                }
                var mapRow = new long[maps.Count];
                for (int i = 0; i < maps.Count && mapsFollow; i++)
                {
                    long coef = (isHeight ? maps[i].Height : maps[i].Width).Coef;
                    mapRow[i] = mapAt[0][i] - coef * t0;
                    mapsFollow = mapAt[1][i] == coef * (t0 + 1) + mapRow[i];
                }
                mapOffsets[r] = mapRow;
            }
            // The smallest divisor m of the period whose multiples are exactly the residues that work.
            long multiple = period;
            for (long m = 1; m < period; m++)
            {
                if (period % m != 0) continue;
                bool exact = true;
                for (long r = 0; r < period && exact; r++) exact = works[r] == (r % m == 0);
                if (exact)
                {
                    multiple = m;
                    break;
                }
            }
            if (multiple == period) return null;

            // The minimum was the smallest valid multiple of the period; a smaller multiple of the new step may run too.
            // Sizes only shrink with the input, so scan down until one fails; each size below is checked on its own, and
            // its multiply-adds must follow the residue's formula or the minimum stays where it was. The minimum is tight
            // (min - period fails), and every size is non-decreasing in the input, so nothing below min - period runs:
            // the scan takes at most period / multiple steps, whatever the size of the minimum.
            long newMin = min;
            long steps = period / multiple;
            for (long size = min - multiple; size >= 1 && steps-- > 0; size -= multiple)
            {
                var spec = isHeight ? network with { Height = (int)size } : network with { Width = (int)size };
                var fixedResult = Infer(spec, blocks, relax: false);
                if (!fixedResult.Completed || fixedResult.MacTerms.Count != terms.Count) break;
                long t = size / period, r = size % period;
                bool follows = offsets[r] is not null;
                for (int i = 0; i < terms.Count && follows; i++)
                {
                    var dim = isHeight ? terms[i].Height : terms[i].Width;
                    follows = (isHeight ? fixedResult.MacTerms[i].Height : fixedResult.MacTerms[i].Width).Offset == dim.Coef * t + offsets[r]![i];
                }
                if (!follows) break;
                // Below the old minimum the peak's maps must follow their residue's formula too.
                bool mapsHere = mapOffsets[r] is not null && fixedResult.MemoryMaps.Count == maps.Count;
                for (int i = 0; i < maps.Count && mapsHere; i++)
                {
                    var dim = isHeight ? maps[i].Height : maps[i].Width;
                    mapsHere = (isHeight ? fixedResult.MemoryMaps[i].Height : fixedResult.MemoryMaps[i].Width).Offset == dim.Coef * t + mapOffsets[r]![i];
                }
                mapsFollow &= mapsHere;
                newMin = size;
            }

            var table = isHeight ? result.HeightResidueOffsets : result.WidthResidueOffsets;
            for (long r = 0; r < period; r++) table.Add(offsets[r] ?? offsets[0]);
            if (isHeight)
            {
                result.HeightMultiple = multiple;
                result.MinHeight = newMin;
            }
            else
            {
                result.WidthMultiple = multiple;
                result.MinWidth = newMin;
            }
            if (!mapsFollow) return null;
            for (long r = 0; r < period; r++) mapOffsets[r] ??= mapOffsets[0];
            return mapOffsets;
        }
    }
}

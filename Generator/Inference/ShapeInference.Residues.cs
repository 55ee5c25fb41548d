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
            if (network.Height == 0 && result.ModulusH > 1 && result.ModulusH <= MaxRelaxedPeriod)
                RelaxAxis(network, blocks, result, isHeight: true);
            if (network.Width == 0 && result.ModulusW > 1 && result.ModulusW <= MaxRelaxedPeriod)
                RelaxAxis(network, blocks, result, isHeight: false);
        }

        private static void RelaxAxis(DeclarationSpec network, IReadOnlyDictionary<string, DeclarationSpec> blocks, InferenceResult result, bool isHeight)
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
            for (long r = 1; r < period; r++)
            {
                // The first size >= the minimum with this residue, and the next one.
                long first = min + ((r - min % period) % period + period) % period;
                var at = new long[2][];
                bool ok = true;
                for (int k = 0; k < 2 && ok; k++)
                {
                    long size = first + k * period;
                    var spec = isHeight ? network with { Height = (int)size } : network with { Width = (int)size };
                    var fixedResult = Infer(spec, blocks, relax: false);
                    ok = fixedResult.Completed && fixedResult.MacTerms.Count == terms.Count && fixedResult.PyramidMacTerms.Count == 0;
                    if (ok) at[k] = fixedResult.MacTerms.Select(t => (isHeight ? t.Height : t.Width).Offset).ToArray();
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
            if (multiple == period) return;

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
        }
    }
}

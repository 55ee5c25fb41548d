using System.Globalization;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Inference;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit
{
    /// <summary>Writes the static compile-time summary of a network (rows like torchinfo's, and totals).</summary>
    public static class SummaryEmitter
    {
        public static void Write(SourceWriter w, DeclarationSpec spec, InferenceResult r)
        {
            w.WriteLine("/// <summary>");
            w.WriteLine("/// What the compiler inferred, per module: output shape, parameters, multiply-adds, receptive field.");
            w.WriteLine("/// Available without building the network or running a forward pass.");
            w.WriteLine("/// </summary>");
            w.WriteLine("public static global::NetDsl.NetworkSummary Summary { get; } = new global::NetDsl.NetworkSummary(");
            w.Indentation++;
            w.WriteLine($"name: {ModuleEmitter.Literal(spec.ClassName)},");
            w.WriteLine($"input: {ModuleEmitter.Literal(r.Format(r.Input))},");
            w.WriteLine($"output: {ModuleEmitter.Literal(r.Format(r.Output))},");
            w.WriteLine($"totalParams: {Long(r.TotalParams)},");
            w.WriteLine($"totalMacs: {NullableLong(r.TotalMacs)},");
            w.WriteLine($"receptiveField: {NullableDouble(r.ReceptiveField)},");
            // Multiply-adds as a function of the input size, grouped by map size: sum of perPixel * h(t) * w(t').
            // With sizes between the period's multiples allowed, a term also carries its offsets for every residue.
            bool relaxedH = r.HeightResidueOffsets.Count > 0, relaxedW = r.WidthResidueOffsets.Count > 0;
            string Residues(List<long[]> table, int i) => string.Join(",", table.Select(row => row[i]));
            var terms = r.MacTerms.Select((m, i) => (Term: m, Index: i)).Where(x => x.Term.PerPixel != 0)
                .GroupBy(x => (x.Term.Height.Coef, x.Term.Height.Offset, x.Term.Width.Coef, x.Term.Width.Offset,
                    relaxedH ? Residues(r.HeightResidueOffsets, x.Index) : "", relaxedW ? Residues(r.WidthResidueOffsets, x.Index) : ""))
                .Select(g => (g.Key, PerPixel: g.Sum(x => x.Term.PerPixel), Index: g.First().Index))
                .OrderBy(g => g.Key.Item1).ThenBy(g => g.Key.Item2).ThenBy(g => g.Key.Item3).ThenBy(g => g.Key.Item4)
                .ToList();
            w.WriteLine("macTerms: new long[]");
            w.OpenBrace();
            w.WriteLine(relaxedH || relaxedW
                ? "// per-position multiply-adds, then the map's height and width as coef * (H / heightPeriod) + offset"
                : "// per-position multiply-adds, then the map's height and width as coef * (H / heightMultiple) + offset");
            foreach (var (key, perPixel, _) in terms)
                w.WriteLine($"{Long(perPixel)}, {Long(key.Item1)}, {Long(key.Item2)}, {Long(key.Item3)}, {Long(key.Item4)},");
            w.CloseBrace(",");
            w.WriteLine($"fixedHeight: {spec.Height}, fixedWidth: {spec.Width},");
            w.WriteLine($"heightMultiple: {Long(r.HeightMultiple)}, minHeight: {Long(r.MinHeight)}, widthMultiple: {Long(r.WidthMultiple)}, minWidth: {Long(r.MinWidth)},");
            foreach (var (relaxed, axis, period, table) in new[] { (relaxedH, "height", r.ModulusH, r.HeightResidueOffsets), (relaxedW, "width", r.ModulusW, r.WidthResidueOffsets) })
            {
                if (!relaxed) continue;
                w.WriteLine($"{axis}Period: {Long(period)},");
                w.WriteLine($"{axis}ResidueOffsets: new long[]");
                w.OpenBrace();
                w.WriteLine($"// per residue of the {axis} modulo {period} (a row each), every term's {axis} offset: sizes between the multiples round down");
                if (terms.Count > 0)
                {
                    foreach (var row in table)
                        w.WriteLine(string.Join(", ", terms.Select(t => Long(row[t.Index]))) + ",");
                }
                w.CloseBrace(",");
            }
            var constraints = r.Constraints;
            w.WriteLine("constraints: " + (constraints.Count == 0 ? "global::System.Array.Empty<string>()," : "new[] { " + string.Join(", ", constraints.Select(ModuleEmitter.Literal)) + " },"));
            if (r.PyramidMacTerms.Count > 0)
            {
                // SPEED pyramid grids over a symbolic size: floor(h / (h // bin)) cells per axis, not affine in H.
                w.WriteLine("pyramidMacTerms: new long[]");
                w.OpenBrace();
                w.WriteLine("// per-cell multiply-adds, then per axis the map's size as coef * (H / heightMultiple) + offset and the bin");
                foreach (var term in r.PyramidMacTerms)
                    w.WriteLine($"{Long(term.PerCell)}, {Long(term.Height.Coef)}, {Long(term.Height.Offset)}, {Long(term.HeightBin)}, " +
                        $"{Long(term.Width.Coef)}, {Long(term.Width.Offset)}, {Long(term.WidthBin)},");
                w.CloseBrace(",");
            }
            w.WriteLine("rows: new global::NetDsl.SummaryRow[]");
            w.OpenBrace();
            foreach (var row in r.Rows.Skip(1))
            {
                w.WriteLine($"new({ModuleEmitter.Literal(row.Path)}, {row.Depth}, {ModuleEmitter.Literal(row.Kind)}, {ModuleEmitter.Literal(row.InputShape)}, " +
                    $"{ModuleEmitter.Literal(row.OutputShape)}, {Long(row.Params)}, {NullableLong(row.Macs)}, {NullableDouble(row.ReceptiveField)}),");
            }
            if (r.Outputs.Count == 0 && r.Taps.Count == 0)
            {
                w.CloseBrace(",");
                WritePeak(w, r);
                w.Indentation--;
                w.WriteLine(");");
                return;
            }
            w.CloseBrace(",");
            w.WriteLine("outputs: new global::NetDsl.NetworkOutput[]");
            w.OpenBrace();
            foreach (var (name, stage, shape) in r.Outputs)
                w.WriteLine($"new({ModuleEmitter.Literal(name)}, {ModuleEmitter.Literal(stage)}, {ModuleEmitter.Literal(r.Format(shape))}),");
            w.CloseBrace(",");
            w.WriteLine("taps: new global::NetDsl.NetworkTap[]");
            w.OpenBrace();
            foreach (var (stage, path, shape) in r.Taps)
                w.WriteLine($"new({ModuleEmitter.Literal(stage)}, {ModuleEmitter.Literal(path)}, {ModuleEmitter.Literal(r.Format(shape))}),");
            w.CloseBrace(",");
            WritePeak(w, r);
            w.Indentation--;
            w.WriteLine(");");
        }

        /// <summary>The last arguments: the peak activation memory, a number, or over a symbolic size the counts it is the largest of.</summary>
        private static void WritePeak(SourceWriter w, InferenceResult r)
        {
            if (r.PeakActivationBytes is { } bytes)
            {
                w.WriteLine($"peakActivationBytes: {Long(bytes)} // per sample, float32: the most bytes of intermediates alive at once in forward (liveness)");
                return;
            }
            if (r.PeakActivation is not { } peak)
            {
                w.WriteLine("peakActivationBytes: null // the input size is symbolic and a count depends on it beyond what the summary models");
                return;
            }
            bool classes = r.PeakHeightClasses.Count > 0 || r.PeakWidthClasses.Count > 0;
            w.WriteLine("peakActivationBytes: null, // the input size is symbolic: the peak is the largest of these counts at a size");
            w.WriteLine("peakActivationTerms: new long[]");
            w.OpenBrace();
            w.WriteLine("// per point of forward where the most is alive: its term count, a constant, then per term the bytes per position");
            w.WriteLine("// (float32, per sample) and the map's height and width, each as coef * (H / heightPeriod) + offset and its residue class");
            w.WriteLine("// (-1: none; else the offset between the multiples is the class's column in the residue table below)");
            foreach (var c in peak.Candidates)
            {
                var cells = new List<string> { Long(c.Terms.Count), Long(c.Constant) };
                foreach (var t in c.Terms)
                    cells.AddRange(new[] { Long(t.Coef), Long(t.Height.Coef), Long(t.Height.Offset), Long(t.HeightClass), Long(t.Width.Coef), Long(t.Width.Offset), Long(t.WidthClass) });
                w.WriteLine(string.Join(", ", cells) + ",");
            }
            if (!classes)
            {
                w.CloseBrace();
                return;
            }
            w.CloseBrace(",");
            var axes = new[] { ("height", r.ModulusH, r.PeakHeightClasses), ("width", r.ModulusW, r.PeakWidthClasses) }.Where(a => a.Item3.Count > 0).ToList();
            for (int a = 0; a < axes.Count; a++)
            {
                var (axis, period, table) = axes[a];
                w.WriteLine($"peak{char.ToUpperInvariant(axis[0])}{axis.Substring(1)}ResidueOffsets: new long[]");
                w.OpenBrace();
                w.WriteLine($"// per residue of the {axis} modulo {period} (a row each), each class's {axis} offset");
                for (int row = 0; row < period; row++)
                    w.WriteLine(string.Join(", ", table.Select(column => Long(column[row]))) + ",");
                w.CloseBrace(a == axes.Count - 1 ? "" : ",");
            }
        }

        private static string Long(long v) => v.ToString(CultureInfo.InvariantCulture) + "L";

        private static string NullableLong(long? v) => v is null ? "null" : Long(v.Value);

        private static string NullableDouble(double? v)
        {
            if (v is null) return "null";
            var text = v.Value.ToString("R", CultureInfo.InvariantCulture);
            return text.Contains(".") || text.Contains("E") ? text : text + ".0";
        }
    }
}

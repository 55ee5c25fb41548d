using System.Globalization;
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
            var constraints = r.Constraints;
            w.WriteLine("constraints: " + (constraints.Count == 0 ? "global::System.Array.Empty<string>()," : "new[] { " + string.Join(", ", constraints.Select(ModuleEmitter.Literal)) + " },"));
            w.WriteLine("rows: new global::NetDsl.SummaryRow[]");
            w.OpenBrace();
            foreach (var row in r.Rows.Skip(1))
            {
                w.WriteLine($"new({ModuleEmitter.Literal(row.Path)}, {row.Depth}, {ModuleEmitter.Literal(row.Kind)}, {ModuleEmitter.Literal(row.InputShape)}, " +
                    $"{ModuleEmitter.Literal(row.OutputShape)}, {Long(row.Params)}, {NullableLong(row.Macs)}, {NullableDouble(row.ReceptiveField)}),");
            }
            w.CloseBrace(");");
            w.Indentation--;
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

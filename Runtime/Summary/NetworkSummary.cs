using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NetDsl
{
    /// <summary>One module of a network as the compiler saw it.</summary>
    /// <param name="Path">Dotted path, the module's state_dict prefix (e.g. "layer1.0.conv1").</param>
    /// <param name="Depth">Nesting depth: 1 for the network's own stages.</param>
    /// <param name="Kind">What it is, with its arguments (e.g. "Conv2d(3→64, k=7, s=2, p=3, bias=False)").</param>
    /// <param name="InputShape">Input shape, e.g. "[N, 3, 224, 224]" or "[N, 3, H, W]".</param>
    /// <param name="OutputShape">Output shape.</param>
    /// <param name="Params">Trainable parameters, children included.</param>
    /// <param name="Macs">Multiply-adds per sample (conv, transposed conv, linear), children included; null when the size is symbolic.</param>
    /// <param name="ReceptiveField">Receptive field in input pixels per axis after the module; null when global.</param>
    public sealed record SummaryRow(string Path, int Depth, string Kind, string InputShape, string OutputShape, long Params, long? Macs, double? ReceptiveField);

    /// <summary>
    /// A network's compile-time summary: generated as a static property of every [Network] class, so it is
    /// available without building the network or running a forward pass.
    /// </summary>
    public sealed class NetworkSummary
    {
        public NetworkSummary(string name, string input, string output, long totalParams, long? totalMacs, double? receptiveField,
            IReadOnlyList<string> constraints, IReadOnlyList<SummaryRow> rows)
        {
            Name = name;
            Input = input;
            Output = output;
            TotalParams = totalParams;
            TotalMacs = totalMacs;
            ReceptiveField = receptiveField;
            Constraints = constraints;
            Rows = rows;
        }

        public string Name { get; }
        public string Input { get; }
        public string Output { get; }
        public long TotalParams { get; }
        public long? TotalMacs { get; }
        public double? ReceptiveField { get; }
        /// <summary>Constraints on a symbolic input size, e.g. "H must be a multiple of 32"; checked by the generated forward.</summary>
        public IReadOnlyList<string> Constraints { get; }
        public IReadOnlyList<SummaryRow> Rows { get; }

        /// <summary>The row of a module by its path, e.g. "layer1.0.conv1".</summary>
        public SummaryRow this[string path] => Rows.FirstOrDefault(r => r.Path == path)
            ?? throw new KeyNotFoundException($"{Name} has no module '{path}'");

        /// <summary>A table like torchinfo's, down to <paramref name="maxDepth"/> levels of nesting.</summary>
        public string ToTable(int maxDepth = int.MaxValue)
        {
            var rows = Rows.Where(r => r.Depth <= maxDepth).ToList();
            var cells = new List<string[]>
            {
                new[] { "Module", "Kind", "Output shape", "Params", "Mult-adds", "RF" },
            };
            foreach (var r in rows)
            {
                string name = new string(' ', 2 * (r.Depth - 1)) + LastSegment(r.Path);
                cells.Add(new[] { name, r.Kind, r.OutputShape, Number(r.Params), r.Macs is null ? "—" : Number(r.Macs.Value), Rf(r.ReceptiveField) });
            }
            var widths = Enumerable.Range(0, 6).Select(i => cells.Max(c => c[i].Length)).ToArray();
            var sb = new StringBuilder();
            string rule = new string('=', widths.Sum() + 2 * (widths.Length - 1));
            sb.AppendLine(rule);
            sb.AppendLine($"{Name}: input {Input} -> output {Output}");
            sb.AppendLine(rule);
            for (int i = 0; i < cells.Count; i++)
            {
                var c = cells[i];
                sb.Append(c[0].PadRight(widths[0])).Append("  ")
                  .Append(c[1].PadRight(widths[1])).Append("  ")
                  .Append(c[2].PadRight(widths[2])).Append("  ")
                  .Append(c[3].PadLeft(widths[3])).Append("  ")
                  .Append(c[4].PadLeft(widths[4])).Append("  ")
                  .Append(c[5].PadLeft(widths[5]));
                sb.AppendLine();
                if (i == 0) sb.AppendLine(new string('-', rule.Length));
            }
            sb.AppendLine(rule);
            sb.AppendLine($"Total params: {Number(TotalParams)}");
            sb.AppendLine($"Total mult-adds: {(TotalMacs is null ? "depends on the input size" : Number(TotalMacs.Value) + $" ({TotalMacs.Value / 1e9:0.###} G)")}");
            sb.AppendLine($"Receptive field: {Rf(ReceptiveField)}");
            foreach (var c in Constraints) sb.AppendLine("Constraint: " + c);
            sb.AppendLine(rule);
            return sb.ToString();
        }

        public override string ToString() => ToTable();

        private static string LastSegment(string path)
        {
            int dot = path.LastIndexOf('.');
            return dot < 0 ? path : path.Substring(dot + 1);
        }

        private static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

        private static string Rf(double? rf) => rf is null ? "global" : rf.Value.ToString("0.##", CultureInfo.InvariantCulture);
    }
}

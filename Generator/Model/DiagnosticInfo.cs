using Microsoft.CodeAnalysis;

namespace NetDsl.Generator.Model
{
    /// <summary>
    /// A diagnostic as values: the descriptor's id (looked up in the catalogue when reported), the message
    /// arguments as strings, and a value location. Equatable, so it can travel through the pipeline.
    /// </summary>
    public sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Args)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object?[] args)
        {
            var strings = new string[args.Length];
            for (int i = 0; i < args.Length; i++)
            {
                strings[i] = System.Convert.ToString(args[i], System.Globalization.CultureInfo.InvariantCulture) ?? "";
            }
            return new DiagnosticInfo(descriptor.Id, location, strings.ToEquatableArray());
        }

        public bool IsError => Diagnostics.DiagnosticDescriptors.ById(Id).DefaultSeverity == DiagnosticSeverity.Error;

        public Diagnostic ToDiagnostic() => ToDiagnostic(null);

        /// <summary>The diagnostic, located in <paramref name="compilation"/>'s syntax tree when it has the file (see <see cref="LocationInfo.ToLocation(Compilation)"/>).</summary>
        public Diagnostic ToDiagnostic(Compilation? compilation)
        {
            var args = new object[Args.Count];
            for (int i = 0; i < args.Length; i++) args[i] = Args[i];
            return Diagnostic.Create(Diagnostics.DiagnosticDescriptors.ById(Id), Location?.ToLocation(compilation) ?? Microsoft.CodeAnalysis.Location.None, args);
        }
    }
}

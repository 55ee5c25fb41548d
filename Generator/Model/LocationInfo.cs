using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NetDsl.Generator.Model
{
    /// <summary>
    /// A source location reduced to values (file path, span, line span), so the model holds no SyntaxTree.
    /// Rebuilt into a real <see cref="Location"/> only when a diagnostic is reported, in the compilation's tree
    /// with the same path, so that <c>#pragma warning disable</c> works on it.
    /// </summary>
    public sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
    {
        public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

        /// <summary>
        /// The location in <paramref name="compilation"/>'s tree with this file path: a source location, which
        /// is what <c>#pragma warning disable</c> and <c>[SuppressMessage]</c> are checked against (an external
        /// file location from <see cref="ToLocation()"/> bypasses them). Falls back to that external location
        /// when no single tree of the compilation has the path.
        /// </summary>
        public Location ToLocation(Compilation? compilation)
        {
            if (compilation is not null && FilePath.Length > 0)
            {
                SyntaxTree? match = null;
                int count = 0;
                foreach (var tree in compilation.SyntaxTrees)
                {
                    if (tree.FilePath != FilePath) continue;
                    match = tree;
                    count++;
                }
                if (count == 1 && match!.Length >= Span.End) return Location.Create(match, Span);
            }
            return ToLocation();
        }

        public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());

        public static LocationInfo? From(Location? location)
        {
            if (location is null || location.SourceTree is null) return null;
            return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
        }
    }
}

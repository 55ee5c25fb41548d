using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NetDsl.Generator.Model
{
    /// <summary>
    /// A source location reduced to values (file path, span, line span), so the model holds no SyntaxTree.
    /// Rebuilt into a real <see cref="Location"/> only when a diagnostic is reported; since the path matches
    /// a tree of the compilation, <c>#pragma warning disable</c> works on it.
    /// </summary>
    public sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
    {
        public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

        public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());

        public static LocationInfo? From(Location? location)
        {
            if (location is null || location.SourceTree is null) return null;
            return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
        }
    }
}

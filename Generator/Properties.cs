using System.Runtime.CompilerServices;

// The tests exercise the pure inference stage directly, without Roslyn.
[assembly: InternalsVisibleTo("NetDsl.Generator.Tests")]

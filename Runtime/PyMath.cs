namespace NetDsl
{
    /// <summary>
    /// Python's integer <c>//</c> and <c>%</c> for the generated code: floor division and a modulo with the divisor's sign.
    /// C#'s <c>/</c> and <c>%</c> truncate toward zero, so <c>-7 / 2</c> is -3 where Python and the NetDsl compiler give -4;
    /// generated constructors write block expressions with these helpers whenever an operand may be negative.
    /// </summary>
    public static class PyMath
    {
        /// <summary>Floor division: the largest integer q with q · b ≤ a (b &gt; 0), rounding toward negative infinity.</summary>
        public static int FloorDiv(int a, int b) => checked((int)ShapeMath.FloorDiv(a, b));

        /// <inheritdoc cref="FloorDiv(int, int)"/>
        public static long FloorDiv(long a, long b) => ShapeMath.FloorDiv(a, b);

        /// <summary>Python's <c>a % b</c>: <c>a - FloorDiv(a, b) · b</c>, 0 or of the sign of <paramref name="b"/>.</summary>
        public static int FloorMod(int a, int b) => checked((int)ShapeMath.FloorMod(a, b));

        /// <inheritdoc cref="FloorMod(int, int)"/>
        public static long FloorMod(long a, long b) => ShapeMath.FloorMod(a, b);
    }
}

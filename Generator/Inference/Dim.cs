using System;
using System.Globalization;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// A spatial size: <c>Coef * t + Offset</c>, where <c>t = H / M</c> for the axis symbol H and the axis
    /// modulus M (the input size must be a multiple of M). A known size has <c>Coef == 0</c>.
    /// Keeping every size affine in t, with divisibility constraints collected on the way, makes symbolic
    /// sizes exact: two sizes are equal for every valid input iff their coefficients and offsets are equal.
    /// </summary>
    public readonly struct Dim : IEquatable<Dim>
    {
        public Dim(long coef, long offset)
        {
            Coef = coef;
            Offset = offset;
        }

        public long Coef { get; }
        public long Offset { get; }

        public bool IsKnown => Coef == 0;

        public static Dim Known(long value) => new Dim(0, value);

        /// <summary>The value for a given t (t = input size / modulus).</summary>
        public long At(long t) => Coef * t + Offset;

        public bool Equals(Dim other) => Coef == other.Coef && Offset == other.Offset;

        public override bool Equals(object? obj) => obj is Dim d && Equals(d);

        public override int GetHashCode() => unchecked((int)(Coef * 397 ^ Offset));

        public static bool operator ==(Dim a, Dim b) => a.Equals(b);

        public static bool operator !=(Dim a, Dim b) => !a.Equals(b);

        /// <summary>Text like "62", "H/32", "3H/4 - 2", "2H + 1" for an axis symbol and modulus.</summary>
        public string Format(string symbol, long modulus)
        {
            if (IsKnown) return Offset.ToString(CultureInfo.InvariantCulture);
            long num = Coef, den = modulus;
            long g = ShapeMath.Gcd(num, den);
            num /= g;
            den /= g;
            string head = (num == 1 ? "" : num.ToString(CultureInfo.InvariantCulture)) + symbol + (den == 1 ? "" : "/" + den.ToString(CultureInfo.InvariantCulture));
            if (Offset == 0) return head;
            return head + (Offset > 0 ? "+" : "-") + Math.Abs(Offset).ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Rank of a tensor in the flow: a feature map [N, C, H, W] or a flat vector [N, F].</summary>
    public enum Rank
    {
        Map = 4,
        Flat = 2,
    }

    /// <summary>
    /// A tensor shape as the compiler sees it (batch always dynamic). For <see cref="Rank.Flat"/>,
    /// <see cref="Channels"/> holds the feature count, or -1 when it depends on a symbolic size.
    /// An octave (two-frequency) tensor is a pair: the high-frequency map in <see cref="Channels"/>,
    /// <see cref="Height"/>, <see cref="Width"/>, and the low-frequency map in <see cref="LowChannels"/>,
    /// <see cref="LowHeight"/>, <see cref="LowWidth"/> (half resolution in OctConv).
    /// </summary>
    public readonly struct TensorShape : IEquatable<TensorShape>
    {
        public TensorShape(long channels, Dim height, Dim width)
        {
            Rank = Rank.Map;
            Channels = channels;
            Height = height;
            Width = width;
            LowChannels = 0;
            LowHeight = default;
            LowWidth = default;
        }

        private TensorShape(long channels, Dim height, Dim width, long lowChannels, Dim lowHeight, Dim lowWidth)
            : this(channels, height, width)
        {
            LowChannels = lowChannels;
            LowHeight = lowHeight;
            LowWidth = lowWidth;
        }

        /// <summary>A two-frequency (high, low) octave tensor.</summary>
        public static TensorShape Octave(long highChannels, Dim height, Dim width, long lowChannels, Dim lowHeight, Dim lowWidth) =>
            new TensorShape(highChannels, height, width, lowChannels, lowHeight, lowWidth);

        private TensorShape(long features)
        {
            Rank = Rank.Flat;
            Channels = features;
            Height = Dim.Known(1);
            Width = Dim.Known(1);
            LowChannels = 0;
            LowHeight = default;
            LowWidth = default;
        }

        public static TensorShape Flat(long features) => new TensorShape(features);

        private TensorShape(TensorShape map, bool channelsLast)
            : this(map.Channels, map.Height, map.Width, map.LowChannels, map.LowHeight, map.LowWidth)
        {
            ChannelsLast = channelsLast;
        }

        /// <summary>This map in the other memory order: [N, H, W, C] (after a permute to channels-last) or back.</summary>
        public TensorShape InLayout(bool channelsLast) => Rank == Rank.Map ? new TensorShape(this, channelsLast) : this;

        /// <summary>A map permuted to [N, H, W, C] (torchvision's Permute([0, 2, 3, 1])): layers that act on the last
        /// dimension (LayerNorm, Linear) then act on the channels; convolutions and pooling need it permuted back.</summary>
        public bool ChannelsLast { get; }

        public Rank Rank { get; }
        public long Channels { get; }
        public Dim Height { get; }
        public Dim Width { get; }

        /// <summary>Channels of the low-frequency part of an octave tensor; 0 for a plain tensor.</summary>
        public long LowChannels { get; }
        public Dim LowHeight { get; }
        public Dim LowWidth { get; }

        public bool IsOctave => LowChannels > 0;

        public bool IsKnown => Height.IsKnown && Width.IsKnown && Channels >= 0;

        public bool SameSpatial(TensorShape other) => Rank == other.Rank && ChannelsLast == other.ChannelsLast && Height == other.Height && Width == other.Width;

        public bool Equals(TensorShape other) => Rank == other.Rank && ChannelsLast == other.ChannelsLast && Channels == other.Channels && Height == other.Height && Width == other.Width
            && LowChannels == other.LowChannels && LowHeight == other.LowHeight && LowWidth == other.LowWidth;

        public override bool Equals(object? obj) => obj is TensorShape s && Equals(s);

        public override int GetHashCode() => unchecked((int)Channels * 31 + Height.GetHashCode() * 7 + Width.GetHashCode());

        public string Format(long modH, long modW)
        {
            if (Rank == Rank.Flat) return "[N, " + (Channels >= 0 ? Channels.ToString(CultureInfo.InvariantCulture) : "?") + "]";
            if (ChannelsLast) return "[N, " + Height.Format("H", modH) + ", " + Width.Format("W", modW) + ", " + Channels.ToString(CultureInfo.InvariantCulture) + "]";
            string high = "[N, " + Channels.ToString(CultureInfo.InvariantCulture) + ", " + Height.Format("H", modH) + ", " + Width.Format("W", modW) + "]";
            if (!IsOctave) return high;
            return "(" + high + ", [N, " + LowChannels.ToString(CultureInfo.InvariantCulture) + ", " + LowHeight.Format("H", modH) + ", " + LowWidth.Format("W", modW) + "])";
        }
    }
}

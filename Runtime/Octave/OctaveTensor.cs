using System;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Octave
{
    /// <summary>
    /// A feature map split by frequency, as octave convolution passes it between layers (d-li14's <c>(x_h, x_l)</c>
    /// tuple): <see cref="High"/> (N, C_h, H, W) at full resolution and <see cref="Low"/> (N, C_l, H/2, W/2), or
    /// <c>null</c> when there is no low-frequency part (the input of a first layer, alpha_in = 0, and the output of a last
    /// layer, alpha_out = 0).
    /// </summary>
    /// <remarks>
    /// <para>
    /// <b>Why a struct rather than a <c>(Tensor, Tensor?)</c> tuple.</b> Octave modules are
    /// <c>nn.Module&lt;OctaveTensor, OctaveTensor&gt;</c>, so a network chains them with <c>.call</c> like any other
    /// module; the named type carries the shape helpers (<see cref="HighChannels"/>, <see cref="ShapeText"/>, ...), the
    /// dispose-scope helpers a forward pass needs, and two conversions for the network's boundaries: a plain
    /// <see cref="Tensor"/> converts implicitly to <c>(x, null)</c> (what d-li14 does with a plain input), and
    /// <see cref="ToTensor"/> ends the octave part, returning <see cref="High"/> after checking that no low part is left.
    /// It deconstructs like the tuple: <c>var (high, low) = y;</c>.
    /// </para>
    /// <para>
    /// The pair does not own its tensors beyond what <see cref="Dispose"/> says: tensors made in a dispose scope belong
    /// to that scope as usual. <see cref="High"/> may have zero channels (alpha = 1: everything is low-frequency), but it
    /// is never null in a pair made by the constructor; <c>default(OctaveTensor)</c> has a null High and every octave
    /// module rejects it with an <see cref="ArgumentException"/>.
    /// </para>
    /// </remarks>
    public readonly struct OctaveTensor : IDisposable
    {
        /// <summary>Pairs a high-frequency map with an optional low-frequency map.</summary>
        /// <param name="high">High-frequency part (N, C_h, H, W); not null.</param>
        /// <param name="low">Low-frequency part (N, C_l, H/2, W/2), or null when there is none.</param>
        /// <exception cref="ArgumentNullException"><paramref name="high"/> is null.</exception>
        public OctaveTensor(Tensor high, Tensor? low = null)
        {
            High = high ?? throw new ArgumentNullException(nameof(high));
            Low = low;
        }

        /// <summary>High-frequency part (N, C_h, H, W), full resolution.</summary>
        public Tensor High { get; }

        /// <summary>Low-frequency part (N, C_l, H/2, W/2), or null.</summary>
        public Tensor? Low { get; }

        /// <summary>Whether there is a low-frequency part.</summary>
        public bool HasLow => Low is not null;

        /// <summary>Batch size N (of <see cref="High"/>).</summary>
        public long Batch => High.shape[0];

        /// <summary>High-frequency channels C_h.</summary>
        public long HighChannels => High.shape[1];

        /// <summary>Low-frequency channels C_l (0 without a low part).</summary>
        public long LowChannels => Low is null ? 0 : Low.shape[1];

        /// <summary>All channels, C_h + C_l: the channels of the plain feature map this pair stands for.</summary>
        public long Channels => HighChannels + LowChannels;

        /// <summary>Height H of the high-frequency part.</summary>
        public long Height => High.shape[2];

        /// <summary>Width W of the high-frequency part.</summary>
        public long Width => High.shape[3];

        /// <summary>Both shapes for messages, e.g. <c>high [1, 8, 4, 6], low [1, 2, 2, 3]</c> or <c>high [...], no low</c>.</summary>
        public string ShapeText =>
            (High is null ? "high null" : "high " + Format(High)) + (Low is null ? ", no low" : ", low " + Format(Low));

        /// <summary>Deconstructs into (high, low), like d-li14's <c>x_h, x_l = x</c>.</summary>
        public void Deconstruct(out Tensor high, out Tensor? low)
        {
            high = High;
            low = Low;
        }

        /// <summary>A plain tensor is an octave pair without a low part: <c>(x, null)</c>.</summary>
        public static implicit operator OctaveTensor(Tensor plain) => new OctaveTensor(plain);

        /// <summary>
        /// The high-frequency part as a plain tensor, where the octave part of a network ends (after a layer with
        /// alpha_out = 0).
        /// </summary>
        /// <exception cref="InvalidOperationException">There is still a low-frequency part (the last octave layer must have
        /// alpha_out = 0).</exception>
        public Tensor ToTensor()
        {
            if (High is null) throw new InvalidOperationException("OctaveTensor: the pair is empty (default value, High is null).");
            if (Low is not null)
                throw new InvalidOperationException(
                    $"OctaveTensor: cannot end the octave part while a low-frequency part remains ({ShapeText}); the last octave " +
                    "layer must have alpha_out = 0.");
            return High;
        }

        /// <summary>Adds per frequency (the residual of an octave block): (a.high + b.high, a.low + b.low).</summary>
        /// <exception cref="ArgumentException">One pair has a low part and the other has none, or a pair is empty.</exception>
        public static OctaveTensor operator +(OctaveTensor a, OctaveTensor b)
        {
            CheckPairs(a, b, "+");
            return new OctaveTensor(a.High + b.High, a.Low is null ? null : a.Low + b.Low!);
        }

        /// <summary>Adds <paramref name="other"/> in place, per frequency (ResNet.cs's <c>add_</c> for an octave residual).</summary>
        /// <exception cref="ArgumentException">One pair has a low part and the other has none, or a pair is empty.</exception>
        public OctaveTensor add_(OctaveTensor other)
        {
            CheckPairs(this, other, "add_");
            High.add_(other.High);
            Low?.add_(other.Low!);
            return this;
        }

        private static void CheckPairs(OctaveTensor a, OctaveTensor b, string op)
        {
            if (a.High is null || b.High is null)
                throw new ArgumentException($"OctaveTensor {op}: a pair is empty (default value, High is null).");
            if ((a.Low is null) != (b.Low is null))
                throw new ArgumentException($"OctaveTensor {op}: both pairs must have a low-frequency part or neither: {a.ShapeText} and {b.ShapeText}.");
        }

        /// <summary>Moves both tensors to the enclosing dispose scope (for a forward pass's result).</summary>
        public OctaveTensor MoveToOuterDisposeScope() =>
            new OctaveTensor(High.MoveToOuterDisposeScope(), Low?.MoveToOuterDisposeScope());

        /// <summary>Detaches both tensors from any dispose scope.</summary>
        public OctaveTensor DetachFromDisposeScope() =>
            new OctaveTensor(High.DetachFromDisposeScope(), Low?.DetachFromDisposeScope());

        /// <summary>Disposes both tensors.</summary>
        public void Dispose()
        {
            High?.Dispose();
            Low?.Dispose();
        }

        /// <inheritdoc/>
        public override string ToString() => $"OctaveTensor({ShapeText})";

        internal static string Format(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace NetDsl.Pyramids
{
    /// <summary>Argument and input checks shared by the pyramid modules; every message starts with the module's name.</summary>
    internal static class PyramidInput
    {
        /// <summary>Throws unless <paramref name="x"/> is a floating-point NCHW tensor (with <paramref name="channels"/>
        /// channels when that is positive) and a positive height and width.</summary>
        public static void Check(string module, Tensor x, long channels)
        {
            if (x is null) throw new ArgumentNullException(nameof(x));
            string shape = Shape(x);
            if (x.dim() != 4)
                throw new ArgumentException($"{module}: expected an NCHW tensor of rank 4, got rank {x.dim()} {shape}.", nameof(x));
            if (channels > 0 && x.shape[1] != channels)
                throw new ArgumentException($"{module}: expected {channels} input channels, got {shape}.", nameof(x));
            if (x.shape[2] < 1 || x.shape[3] < 1)
                throw new ArgumentException($"{module}: height and width must be positive, got {shape}.", nameof(x));
            if (!is_floating_point(x))
                throw new ArgumentException($"{module}: expected a floating-point input, got {x.dtype}.", nameof(x));
        }

        public static string Shape(Tensor x) => "[" + string.Join(", ", x.shape) + "]";

        public static void Positive(string module, long value, string name)
        {
            if (value < 1)
                throw new ArgumentException($"{module}: {name} must be at least 1, got {value}.", name);
        }

        /// <summary>A copy of a non-empty list of positive values.</summary>
        public static long[] PositiveList(string module, IReadOnlyList<long>? values, string name)
        {
            if (values is null) throw new ArgumentNullException(name);
            if (values.Count == 0)
                throw new ArgumentException($"{module}: {name} must not be empty.", name);
            var copy = values.ToArray();
            foreach (long v in copy)
                if (v < 1)
                    throw new ArgumentException($"{module}: every entry of {name} must be at least 1, got [{string.Join(", ", copy)}].", name);
            return copy;
        }
    }
}

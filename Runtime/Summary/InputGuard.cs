using System;
using System.Linq;
using TorchSharp;

namespace NetDsl
{
    /// <summary>Checks a network's input before any native call, so shape mistakes surface as a clear .NET exception.</summary>
    public static class InputGuard
    {
        /// <summary>
        /// Throws <see cref="ArgumentException"/> naming the network, the expected and the actual shape when the input is
        /// not [N, channels, H, W] with H, W fixed (when non-zero) or a multiple of / at least the given values.
        /// </summary>
        public static void Check(torch.Tensor input, string network, string expected, long channels, long height, long width,
            long heightMultiple, long minHeight, long widthMultiple, long minWidth)
        {
            if (input is null) throw new ArgumentNullException(nameof(input), $"{network}: the input tensor is null");
            var shape = input.shape;
            string actual = "[" + string.Join(", ", shape) + "]";
            string Fail(string why) => $"{network} expects an input of shape {expected} but got {actual}: {why}.";

            if (shape.Length != 4)
                throw new ArgumentException(Fail($"it needs 4 dimensions (N, C, H, W), not {shape.Length}"), nameof(input));
            if (shape[1] != channels)
                throw new ArgumentException(Fail($"it needs {channels} channels"), nameof(input));
            CheckAxis(shape[2], height, heightMultiple, minHeight, "height", Fail);
            CheckAxis(shape[3], width, widthMultiple, minWidth, "width", Fail);
        }

        private static void CheckAxis(long size, long fixedSize, long multiple, long minimum, string axis, Func<string, string> fail)
        {
            if (fixedSize > 0)
            {
                if (size != fixedSize) throw new ArgumentException(fail($"the {axis} must be {fixedSize}"), "input");
                return;
            }
            if (multiple > 1 && size % multiple != 0)
                throw new ArgumentException(fail($"the {axis} must be a multiple of {multiple}"), "input");
            if (size < minimum)
                throw new ArgumentException(fail($"the {axis} must be at least {minimum}"), "input");
        }
    }
}

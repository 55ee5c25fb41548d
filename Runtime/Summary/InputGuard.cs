using System;
using TorchSharp;

namespace NetDsl
{
    /// <summary>
    /// Checks a network's input before any native call, so a wrong input surfaces as a clear .NET exception naming the
    /// network, what it expects and what it got, instead of a native error (or a crashed process). Every generated
    /// network's <c>forward</c> and <c>forward_all</c> call <see cref="Check"/> first.
    /// </summary>
    public static class InputGuard
    {
        /// <summary>
        /// Checks the input of <paramref name="module"/> and returns the tensor the network runs on:
        /// <list type="bullet">
        /// <item>the shape: [N, channels, H, W] with N at least 1, H and W fixed (when non-zero) or a multiple of / at least
        /// the given values (see <see cref="CheckShape"/>);</item>
        /// <item>the dtype: floating point, and the dtype of the module's parameters (or floating buffers), so a network moved
        /// with <c>to(float64)</c> takes float64; a module without any accepts every floating dtype. Integer and bool inputs
        /// (an 8-bit image) are rejected with a hint;</item>
        /// <item>the device: the device of the module's parameters;</item>
        /// <item>the memory layout: a non-contiguous input (channels-last, <c>x.permute(0, 3, 1, 2)</c> of an NHWC tensor, a
        /// strided view) is returned as a contiguous NCHW copy (LibTorch's strided 1x1 convolutions have crashed the process
        /// on channels-last inputs). A contiguous input is returned as it is: no tensor is allocated or copied.</item>
        /// </list>
        /// </summary>
        /// <exception cref="ArgumentNullException">The input is null.</exception>
        /// <exception cref="ObjectDisposedException">The input has been disposed.</exception>
        /// <exception cref="ArgumentException">The shape, the dtype or the device does not fit; the message names the network,
        /// the expected and the actual value.</exception>
        public static torch.Tensor Check(torch.nn.Module module, torch.Tensor input, string network, string expected, long channels, long height, long width,
            long heightMultiple, long minHeight, long widthMultiple, long minWidth)
        {
            if (module is null) throw new ArgumentNullException(nameof(module));
            CheckShape(input, network, expected, channels, height, width, heightMultiple, minHeight, widthMultiple, minWidth);
            CheckDTypeAndDevice(module, input, network);
            return input.is_contiguous() ? input : input.contiguous();
        }

        /// <summary>
        /// Throws <see cref="ArgumentException"/> naming the network, the expected and the actual shape when the input is
        /// not [N, channels, H, W] with N at least 1 and H, W fixed (when non-zero) or a multiple of / at least the given values.
        /// </summary>
        public static void CheckShape(torch.Tensor input, string network, string expected, long channels, long height, long width,
            long heightMultiple, long minHeight, long widthMultiple, long minWidth)
        {
            if (input is null) throw new ArgumentNullException(nameof(input), $"{network}: the input tensor is null");
            if (input.IsInvalid) throw new ObjectDisposedException(nameof(input), $"{network}: the input tensor has been disposed");
            // Sizes one by one: nothing is allocated unless the input is wrong.
            long rank = input.Dimensions;
            if (rank != 4)
            {
                string hint = rank == 3 ? " (for one image, add the batch dimension: input.unsqueeze(0))" : "";
                throw Fail(input, network, expected, $"it needs 4 dimensions (N, C, H, W), not {rank}{hint}");
            }
            if (input.size(0) == 0)
                throw Fail(input, network, expected, "an empty batch: N = 0 (the batch needs at least one sample)");
            long c = input.size(1);
            if (c != channels)
            {
                string hint = input.size(3) == channels ? $" (an NHWC tensor? input.permute(0, 3, 1, 2) makes it NCHW)" : "";
                throw Fail(input, network, expected, $"it needs {channels} channels{hint}");
            }
            CheckAxis(input, input.size(2), height, heightMultiple, minHeight, "height", network, expected);
            CheckAxis(input, input.size(3), width, widthMultiple, minWidth, "width", network, expected);
        }

        private static void CheckDTypeAndDevice(torch.nn.Module module, torch.Tensor input, string network)
        {
            var dtype = input.dtype;
            var reference = ReferenceTensor(module);
            if (!TorchNames.IsFloating(dtype))
            {
                string want = reference is null ? "floating-point" : TorchNames.DType(reference.dtype);
                string to = reference is null ? "float32" : TorchNames.DType(reference.dtype);
                string image = dtype == torch.ScalarType.Byte ? $"; for an 8-bit image, also scale it to [0, 1]: input.to({to}) / 255" : "";
                throw new ArgumentException(
                    $"{network} expects a {want} input but got {TorchNames.DType(dtype)}: convert it first, e.g. input.to({to}){image}.", "input");
            }
            if (reference is null) return; // no parameters: any floating dtype, any device
            if (reference.dtype != dtype)
            {
                string want = TorchNames.DType(reference.dtype), got = TorchNames.DType(dtype);
                throw new ArgumentException(
                    $"{network} expects a {want} input (the dtype of its parameters) but got {got}: convert the input with input.to({want}), " +
                    $"or the network with to({got}).", "input");
            }
            if (reference.device_type != input.device_type || reference.device_index != input.device_index)
            {
                string want = TorchNames.Device(reference.device_type, reference.device_index);
                string got = TorchNames.Device(input.device_type, input.device_index);
                throw new ArgumentException(
                    $"{network} expects its input on {want} (the device of its parameters) but got an input on {got}: move the input with " +
                    $"input.to(\"{want}\"), or the network with to(\"{got}\").", "input");
            }
        }

        /// <summary>The tensor whose dtype and device the input must have: the first parameter, else the first floating buffer.</summary>
        private static torch.Tensor? ReferenceTensor(torch.nn.Module module)
        {
            foreach (var parameter in module.parameters()) return parameter;
            foreach (var buffer in module.buffers())
                if (TorchNames.IsFloating(buffer.dtype)) return buffer;
            return null;
        }

        private static void CheckAxis(torch.Tensor input, long size, long fixedSize, long multiple, long minimum, string axis, string network, string expected)
        {
            if (fixedSize > 0)
            {
                if (size != fixedSize) throw Fail(input, network, expected, $"the {axis} must be {fixedSize}");
                return;
            }
            if (multiple > 1 && size % multiple != 0)
                throw Fail(input, network, expected, $"the {axis} must be a multiple of {multiple}");
            if (size < minimum)
                throw Fail(input, network, expected, $"the {axis} must be at least {minimum}");
        }

        private static ArgumentException Fail(torch.Tensor input, string network, string expected, string why) =>
            new($"{network} expects an input of shape {expected} but got {TorchNames.Shape(input.shape)}: {why}.", "input");
    }
}

using System.Collections.Generic;
using System.Globalization;
using TorchSharp;

namespace NetDsl
{
    /// <summary>PyTorch's spelling of dtypes, devices and shapes, for messages (float32, cuda:0, [64, 3, 7, 7]).</summary>
    internal static class TorchNames
    {
        public static string DType(torch.ScalarType dtype) => dtype switch
        {
            torch.ScalarType.Byte => "uint8",
            torch.ScalarType.Int8 => "int8",
            torch.ScalarType.Int16 => "int16",
            torch.ScalarType.Int32 => "int32",
            torch.ScalarType.Int64 => "int64",
            torch.ScalarType.Float16 => "float16",
            torch.ScalarType.BFloat16 => "bfloat16",
            torch.ScalarType.Float32 => "float32",
            torch.ScalarType.Float64 => "float64",
            torch.ScalarType.ComplexFloat32 => "complex64",
            torch.ScalarType.ComplexFloat64 => "complex128",
            torch.ScalarType.Bool => "bool",
            _ => dtype.ToString().ToLowerInvariant(),
        };

        public static string Device(DeviceType type, int index)
        {
            string name = type.ToString().ToLowerInvariant();
            return index >= 0 && type != DeviceType.CPU ? name + ":" + index.ToString(CultureInfo.InvariantCulture) : name;
        }

        public static string Shape(IReadOnlyList<long> shape)
        {
            var parts = new string[shape.Count];
            for (int i = 0; i < parts.Length; i++) parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
            return "[" + string.Join(", ", parts) + "]";
        }

        /// <summary>Floating point (float16, bfloat16, float32, float64): what a network's input and weights are.</summary>
        public static bool IsFloating(torch.ScalarType dtype) => torch.is_floating_point(dtype);
    }
}

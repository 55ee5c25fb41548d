using System;
using System.Collections.Generic;
using System.IO;
using TorchSharp;

namespace NetDsl
{
    /// <summary>
    /// Reads weights files: PyTorch's (<c>torch.save(state_dict)</c> zip archives, <c>.pt</c> / <c>.pth</c>, and
    /// <c>.safetensors</c>, recognised by their first bytes and read by TorchSharp.PyBridge, see <see cref="PyTorchWeights"/>)
    /// and TorchSharp's own weights format, the one <c>module.save(path)</c> writes (TorchSharp 0.107, Module.save /
    /// TensorExtensionMethods.Save): the number of entries as LEB128, then per entry the key (a length-prefixed UTF-8
    /// string, BinaryWriter.Write(string)), the dtype code, the number of dimensions and each size as LEB128, and the raw
    /// element bytes in row-major order. Every header is checked against the bytes that are left before a tensor is
    /// allocated, so a truncated or foreign file is an <see cref="InvalidDataException"/> naming the entry, not a crash.
    /// </summary>
    public static class WeightsFile
    {
        /// <summary>Reads every entry of a weights file as CPU tensors: <c>torch.save(state_dict)</c> (keys in ordinal order),
        /// <c>.safetensors</c>, or <c>module.save(path)</c> (file order), told apart by the first bytes.</summary>
        /// <exception cref="FileNotFoundException">There is no such file.</exception>
        /// <exception cref="InvalidDataException">The file is not in this format, or ends early.</exception>
        public static Dictionary<string, torch.Tensor> Read(string path)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            if (!File.Exists(path)) throw new FileNotFoundException($"no weights file at '{path}'", path);
            using var stream = File.OpenRead(path);
            return Read(stream, path);
        }

        /// <summary>Reads every entry from a seekable stream positioned at the start of a weights file (any of the three
        /// formats), or from any stream positioned at a <c>module.save</c> record.</summary>
        /// <param name="stream">The stream; it is left open.</param>
        /// <param name="name">What to call the source in messages (a file name).</param>
        public static Dictionary<string, torch.Tensor> Read(Stream stream, string? name = null)
        {
            if (stream is null) throw new ArgumentNullException(nameof(stream));
            name ??= "the weights stream";
            if (ReadPyTorch(stream, name) is { } pytorch) return pytorch;
            var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
            using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            string where = "the number of entries";
            try
            {
                long count = Leb128(reader, name, where);
                if (count > int.MaxValue || (stream.CanSeek && count > stream.Length - stream.Position))
                    throw Invalid(name, $"it announces {count} entries, more than its bytes can hold");
                for (long i = 0; i < count; i++)
                {
                    where = $"the key of entry {i + 1} of {count}";
                    string key = reader.ReadString();
                    where = $"entry '{key}'";
                    if (result.ContainsKey(key)) throw Invalid(name, $"the key '{key}' occurs twice");
                    long code = Leb128(reader, name, where);
                    if (code > sbyte.MaxValue || ElementSize((torch.ScalarType)code) is not { } elementSize)
                        throw Invalid(name, $"{where} has dtype code {code}, which is no dtype TorchSharp saves");
                    var dtype = (torch.ScalarType)code;
                    long rank = Leb128(reader, name, where);
                    if (rank > 64) throw Invalid(name, $"{where} announces {rank} dimensions");
                    var shape = new long[rank];
                    long bytes = elementSize;
                    for (int d = 0; d < rank; d++)
                    {
                        shape[d] = Leb128(reader, name, where);
                        try { bytes = checked(bytes * shape[d]); }
                        catch (OverflowException) { throw Invalid(name, $"{where} announces a shape too large to exist ({TorchNames.Shape(shape)})"); }
                    }
                    if (stream.CanSeek && bytes > stream.Length - stream.Position)
                        throw Invalid(name, $"{where} ({TorchNames.Shape(shape)} {TorchNames.DType(dtype)}) needs {bytes:N0} bytes but only " +
                            $"{stream.Length - stream.Position:N0} are left: the file is truncated or not in this format");
                    var tensor = torch.empty(shape, dtype);
                    result.Add(key, tensor);
                    tensor.ReadBytesFromStream(stream, 1 << 16);
                }
                return result;
            }
            catch (Exception e) when (e is EndOfStreamException or FormatException)
            {
                foreach (var tensor in result.Values) tensor.Dispose();
                throw Invalid(name, $"{(e is EndOfStreamException ? "it ends inside" : "it is garbled at")} {where}: the file is truncated or not in this format");
            }
            catch
            {
                foreach (var tensor in result.Values) tensor.Dispose();
                throw;
            }
        }

        /// <summary>Bytes per element of the dtypes TorchSharp writes; null for codes that are no dtype.</summary>
        private static int? ElementSize(torch.ScalarType dtype) => dtype switch
        {
            torch.ScalarType.Byte or torch.ScalarType.Int8 or torch.ScalarType.Bool => 1,
            torch.ScalarType.Int16 or torch.ScalarType.Float16 or torch.ScalarType.BFloat16 => 2,
            torch.ScalarType.Int32 or torch.ScalarType.Float32 => 4,
            torch.ScalarType.Int64 or torch.ScalarType.Float64 or torch.ScalarType.ComplexFloat32 => 8,
            torch.ScalarType.ComplexFloat64 => 16,
            _ => null,
        };

        /// <summary>LEB128 as TorchSharp's LEB128Codec writes it (non-negative, 7 bits a byte, low bits first).</summary>
        private static long Leb128(BinaryReader reader, string name, string where)
        {
            long result = 0;
            for (int shift = 0; ; shift += 7)
            {
                if (shift > 56) throw new InvalidDataException($"{name}: cannot read the weights: {where} holds a number longer than 9 bytes.");
                long b = reader.ReadByte();
                result |= (b & 0x7f) << shift;
                if ((b & 0x80) == 0) return result;
            }
        }

        /// <summary>The format the first bytes announce: a zip archive (torch.save), a safetensors header, else module.save.</summary>
        private static Dictionary<string, torch.Tensor>? ReadPyTorch(Stream stream, string name)
        {
            if (!stream.CanSeek) return null;
            long start = stream.Position;
            var head = new byte[9];
            int read = 0;
            while (read < head.Length && stream.Read(head, read, head.Length - read) is var n && n > 0) read += n;
            stream.Position = start;
            var span = head.AsSpan(0, read);
            if (PyTorchWeights.IsZip(span)) return PyTorchWeights.ReadPickle(stream, name);
            if (PyTorchWeights.IsSafetensors(span, stream.Length - start)) return PyTorchWeights.ReadSafetensors(stream, name);
            return null;
        }

        private static InvalidDataException Invalid(string name, string why) => new($"{name}: cannot read the weights: {why}.");
    }
}

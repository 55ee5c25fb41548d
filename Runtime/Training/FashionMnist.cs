using System;
using System.IO;
using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Training
{
    /// <summary>Fashion-MNIST's files are not where they were looked for.</summary>
    public sealed class DataSetNotFoundException : FileNotFoundException
    {
        /// <summary>Creates the exception for the missing <paramref name="fileName"/>.</summary>
        public DataSetNotFoundException(string message, string fileName) : base(message, fileName) { }
    }

    /// <summary>
    /// Reads Fashion-MNIST (Zalando, 60,000 training and 10,000 test images of 28x28 grey clothes in 10 classes) from its
    /// IDX files, gzipped (<c>train-images-idx3-ubyte.gz</c>, ...) as Debian's <c>dataset-fashion-mnist</c> installs them in
    /// <see cref="DefaultDirectory"/>, or plain. IDX (LeCun's MNIST format): two zero bytes, a type code (0x08 unsigned
    /// byte), the number of dimensions, each size as a big-endian int32, then the values row-major. Images become float32
    /// <c>[N, 1, 28, 28]</c> in [0, 1] standardised with the training set's mean and deviation (<see cref="Mean"/>,
    /// <see cref="Std"/>); labels int64 <c>[N]</c>.
    /// </summary>
    public static class FashionMnist
    {
        /// <summary>Where Debian's <c>dataset-fashion-mnist</c> puts the files.</summary>
        public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

        /// <summary>The mean pixel of the training images (in [0, 1]).</summary>
        public const double Mean = 0.2860;

        /// <summary>The standard deviation of the training pixels (in [0, 1]).</summary>
        public const double Std = 0.3530;

        /// <summary>The class names, by label.</summary>
        public static readonly string[] Classes =
            { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };

        /// <summary>Reads the training and the test set from <paramref name="directory"/> (default <see cref="DefaultDirectory"/>).</summary>
        /// <exception cref="DataSetNotFoundException">A file is missing: the message says how to install the package.</exception>
        /// <exception cref="InvalidDataException">A file is not IDX, holds the wrong kind of values, or images and labels disagree.</exception>
        public static (LabelledImages Train, LabelledImages Test) Load(string? directory = null)
        {
            var train = Load(directory, "train");
            try { return (train, Load(directory, "t10k")); }
            catch { train.Dispose(); throw; }
        }

        /// <summary>Reads one split: <c>"train"</c> or <c>"t10k"</c> (the test set).</summary>
        public static LabelledImages Load(string? directory, string split)
        {
            directory ??= DefaultDirectory;
            string images = Find(directory, $"{split}-images-idx3-ubyte");
            string labels = Find(directory, $"{split}-labels-idx1-ubyte");
            var name = split == "train" ? "Fashion-MNIST train" : "Fashion-MNIST test";
            return FromIdx(ReadIdx(images), ReadIdx(labels), name, images, labels);
        }

        /// <summary>Builds a data set from the parsed IDX contents of an image file (3 dimensions) and a label file (1).</summary>
        /// <exception cref="InvalidDataException">The ranks are wrong, the counts differ, or a label is outside 0..9.</exception>
        public static LabelledImages FromIdx(IdxArray images, IdxArray labels, string name = "Fashion-MNIST", string imagesFile = "images", string labelsFile = "labels")
        {
            if (images is null) throw new ArgumentNullException(nameof(images));
            if (labels is null) throw new ArgumentNullException(nameof(labels));
            if (images.Shape.Length != 3)
                throw new InvalidDataException($"{imagesFile}: an image file has 3 dimensions (count, rows, columns), this one {images.Shape.Length}");
            if (labels.Shape.Length != 1)
                throw new InvalidDataException($"{labelsFile}: a label file has 1 dimension (count), this one {labels.Shape.Length}");
            if (images.Shape[0] != labels.Shape[0])
                throw new InvalidDataException($"{name}: {images.Shape[0]:N0} images in {imagesFile} but {labels.Shape[0]:N0} labels in {labelsFile}");
            for (int i = 0; i < labels.Data.Length; i++)
                if (labels.Data[i] >= Classes.Length)
                    throw new InvalidDataException($"{labelsFile}: label {i} is {labels.Data[i]}, not a class 0..{Classes.Length - 1}");
            long n = images.Shape[0], h = images.Shape[1], w = images.Shape[2];
            using var bytes = torch.tensor(images.Data, new long[] { n, 1, h, w }, ScalarType.Byte);
            var x = bytes.to_type(ScalarType.Float32).div_(255.0).sub_(Mean).div_(Std);
            var y = torch.tensor(labels.Data, new long[] { n }, ScalarType.Byte).to_type(ScalarType.Int64);
            return new LabelledImages(x, y, name);
        }

        /// <summary>Reads an IDX file of unsigned bytes, gzipped (recognised by its first bytes) or not.</summary>
        /// <exception cref="InvalidDataException">The magic number is not IDX's of unsigned bytes, or the file ends early.</exception>
        public static IdxArray ReadIdx(string path)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            using var file = File.OpenRead(path);
            int b0 = file.ReadByte(), b1 = file.ReadByte();
            file.Position = 0;
            using Stream stream = b0 == 0x1f && b1 == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
            return ReadIdx(stream, path);
        }

        /// <summary>Reads IDX (unsigned bytes) from a stream (decompressed already); <paramref name="name"/> names it in messages.</summary>
        public static IdxArray ReadIdx(Stream stream, string name)
        {
            if (stream is null) throw new ArgumentNullException(nameof(stream));
            var magic = ReadExactly(stream, 4, name, "the magic number");
            if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08 || magic[3] is 0 or > 4)
                throw new InvalidDataException($"{name}: not an IDX file of unsigned bytes: its magic number is " +
                    $"0x{magic[0]:X2}{magic[1]:X2}{magic[2]:X2}{magic[3]:X2}, expected 0x000008NN (NN the number of dimensions, " +
                    "0x00000803 for images, 0x00000801 for labels)");
            var shape = new int[magic[3]];
            long count = 1;
            for (int d = 0; d < shape.Length; d++)
            {
                var s = ReadExactly(stream, 4, name, $"size {d + 1}");
                shape[d] = (s[0] << 24) | (s[1] << 16) | (s[2] << 8) | s[3];
                if (shape[d] < 0) throw new InvalidDataException($"{name}: size {d + 1} is negative ({shape[d]})");
                count *= shape[d];
                if (count > int.MaxValue) throw new InvalidDataException($"{name}: the sizes {string.Join("x", shape)} are too large to hold");
            }
            var data = ReadExactly(stream, (int)count, name, $"the {count:N0} values of a {string.Join("x", shape[..(shape.Length)])} array");
            if (stream.ReadByte() != -1) throw new InvalidDataException($"{name}: bytes follow the {count:N0} values its sizes announce");
            return new IdxArray(shape, data);
        }

        private static byte[] ReadExactly(Stream stream, int count, string name, string what)
        {
            var buffer = new byte[count];
            int read = 0;
            while (read < count && stream.Read(buffer, read, count - read) is var n && n > 0) read += n;
            if (read < count) throw new InvalidDataException($"{name}: the file ends inside {what} ({read:N0} of {count:N0} bytes): truncated?");
            return buffer;
        }

        private static string Find(string directory, string stem)
        {
            foreach (var candidate in new[] { stem + ".gz", stem })
            {
                var path = Path.Combine(directory, candidate);
                if (File.Exists(path)) return path;
            }
            throw new DataSetNotFoundException(
                $"Fashion-MNIST is not in '{directory}': {stem}.gz is missing. Install it with `sudo apt-get install dataset-fashion-mnist` " +
                $"(it puts the four files in {DefaultDirectory}), or pass the folder that holds train-images-idx3-ubyte.gz, " +
                "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (`train --data DIR` in the samples).",
                Path.Combine(directory, stem + ".gz"));
        }
    }

    /// <summary>The contents of an IDX file of unsigned bytes: its sizes and its values, row-major.</summary>
    public sealed record IdxArray(int[] Shape, byte[] Data);
}

using System;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Training
{
    /// <summary>
    /// A classification data set held in memory: <see cref="Images"/> <c>[N, C, H, W]</c> float32 (already normalised) and
    /// <see cref="Labels"/> <c>[N]</c> int64 class indices. Owns both tensors.
    /// </summary>
    public sealed class LabelledImages : IDisposable
    {
        /// <summary>Wraps the tensors (taken over, disposed with this object).</summary>
        /// <exception cref="ArgumentException">The images are not 4-D float32, the labels not 1-D int64, or the counts differ.</exception>
        public LabelledImages(Tensor images, Tensor labels, string name = "data")
        {
            if (images is null) throw new ArgumentNullException(nameof(images));
            if (labels is null) throw new ArgumentNullException(nameof(labels));
            if (images.dim() != 4 || images.dtype != ScalarType.Float32)
                throw new ArgumentException($"{name}: the images must be a float32 [N, C, H, W] tensor, not {TorchNames.DType(images.dtype)} {TorchNames.Shape(images.shape)}", nameof(images));
            if (labels.dim() != 1 || labels.dtype != ScalarType.Int64)
                throw new ArgumentException($"{name}: the labels must be an int64 [N] tensor, not {TorchNames.DType(labels.dtype)} {TorchNames.Shape(labels.shape)}", nameof(labels));
            if (images.shape[0] != labels.shape[0])
                throw new ArgumentException($"{name}: {images.shape[0]} images but {labels.shape[0]} labels", nameof(labels));
            Images = images;
            Labels = labels;
            Name = name;
        }

        /// <summary>The images, <c>[N, C, H, W]</c> float32.</summary>
        public Tensor Images { get; }

        /// <summary>The class indices, <c>[N]</c> int64.</summary>
        public Tensor Labels { get; }

        /// <summary>What to call the set in messages ("Fashion-MNIST train").</summary>
        public string Name { get; }

        /// <summary>The number of examples.</summary>
        public long Count => Labels.shape[0];

        /// <summary>The first <paramref name="count"/> examples as a new set (copies), or this set's copy when it has no more.</summary>
        public LabelledImages Take(long count)
        {
            if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "a subset needs at least one example");
            long n = Math.Min(count, Count);
            return new LabelledImages(Images.narrow(0, 0, n).clone(), Labels.narrow(0, 0, n).clone(), n < Count ? $"{Name} (first {n:N0})" : Name);
        }

        /// <inheritdoc />
        public void Dispose()
        {
            Images.Dispose();
            Labels.Dispose();
        }
    }
}

using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using NetDsl.Training;
using Xunit;

namespace NetDsl.Generator.Tests.Training;

/// <summary>The Fashion-MNIST reader on IDX files written here (the real data set is not needed).</summary>
public class FashionMnistTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "netdsl-idx-" + Guid.NewGuid().ToString("N"));

    public FashionMnistTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static byte[] Idx(byte dims, int[] shape, byte[] data, byte typeCode = 0x08)
    {
        var bytes = new byte[] { 0, 0, typeCode, dims }.Concat(shape.SelectMany(s => new[] { (byte)(s >> 24), (byte)(s >> 16), (byte)(s >> 8), (byte)s })).Concat(data);
        return bytes.ToArray();
    }

    private void Write(string name, byte[] content, bool gzip = true)
    {
        using var file = File.Create(Path.Combine(folder, gzip ? name + ".gz" : name));
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        stream.Write(content);
    }

    private void WriteSplit(string split, int count, int labels, bool gzip = true)
    {
        Write($"{split}-images-idx3-ubyte", Idx(3, new[] { count, 2, 3 }, Enumerable.Range(0, count * 6).Select(i => (byte)(i * 7)).ToArray()), gzip);
        Write($"{split}-labels-idx1-ubyte", Idx(1, new[] { labels }, Enumerable.Range(0, labels).Select(i => (byte)(i % 10)).ToArray()), gzip);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reads_gzipped_or_plain_idx_files_as_standardised_images_and_labels(bool gzip)
    {
        WriteSplit("train", 4, 4, gzip);
        WriteSplit("t10k", 2, 2, gzip);
        var (train, test) = FashionMnist.Load(folder);
        using (train)
        using (test)
        {
            Assert.Equal(new long[] { 4, 1, 2, 3 }, train.Images.shape);
            Assert.Equal(new long[] { 2, 1, 2, 3 }, test.Images.shape);
            Assert.Equal(new long[] { 0, 1, 2, 3 }, train.Labels.data<long>().ToArray());
            // pixel 5 of image 1 is byte (11 * 7) = 77
            float expected = (float)((77 / 255.0 - FashionMnist.Mean) / FashionMnist.Std);
            Assert.Equal(expected, train.Images[1, 0, 1, 2].item<float>(), 5);
        }
    }

    [Fact]
    public void A_wrong_magic_number_is_named()
    {
        WriteSplit("train", 2, 2);
        Write("train-images-idx3-ubyte", Idx(3, new[] { 2, 2, 3 }, new byte[12], typeCode: 0x0D)); // float IDX
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(folder, "train"));
        Assert.Contains("magic number is 0x00000D03", e.Message);
        Assert.Contains("train-images-idx3-ubyte.gz", e.Message);
    }

    [Fact]
    public void More_labels_than_images_is_an_error()
    {
        WriteSplit("train", 3, 4);
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(folder, "train"));
        Assert.Contains("3 images", e.Message);
        Assert.Contains("4 labels", e.Message);
    }

    [Fact]
    public void A_truncated_file_and_a_label_out_of_range_are_errors()
    {
        Write("x", Idx(3, new[] { 2, 2, 3 }, new byte[7]));
        Assert.Contains("ends inside", Assert.Throws<InvalidDataException>(() => FashionMnist.ReadIdx(Path.Combine(folder, "x.gz"))).Message);
        var images = new IdxArray(new[] { 1, 1, 1 }, new byte[1]);
        var labels = new IdxArray(new[] { 1 }, new byte[] { 10 });
        Assert.Contains("not a class 0..9", Assert.Throws<InvalidDataException>(() => FashionMnist.FromIdx(images, labels)).Message);
    }

    [Fact]
    public void Missing_files_say_how_to_install_the_package()
    {
        var e = Assert.Throws<DataSetNotFoundException>(() => FashionMnist.Load(Path.Combine(folder, "nowhere")));
        Assert.Contains("sudo apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains("--data", e.Message);
        Assert.EndsWith("train-images-idx3-ubyte.gz", e.FileName);
    }
}

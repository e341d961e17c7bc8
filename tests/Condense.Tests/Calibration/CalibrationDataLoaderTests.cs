using System.Text;
using Condense.Calibration;
using Condense.Formats.Npy;
using Condense.Formats.Onnx;
using Condense.Tests.Formats.Npy;
using Google.Protobuf;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Tests.Calibration;

public class CalibrationDataLoaderTests
{
    const string Vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n,\nworld\n!\nun\n##believ\n##able\n[MASK]\n";

    /// <summary>Two class folders of uniform photos; photo k has red = 20·k so a sample names its photo.</summary>
    static TempFolder ClassFolders()
    {
        var dir = new TempFolder();
        for (int k = 0; k < 6; k++)
        {
            var cls = Path.Combine(dir.Path, k < 3 ? "cats" : "dogs");
            Directory.CreateDirectory(cls);
            File.WriteAllBytes(Path.Combine(cls, $"p{k}.png"), PhotoFiles.Uniform(16 + k, 12, (byte)(20 * k), 100, 200));
        }
        return dir;
    }

    static int PhotoOf(IReadOnlyList<Onnx.TensorProto> sample) => (int)Math.Round(OnnxTensorData.ToFloat32(sample[0])[0] * 255 / 20);

    [Fact]
    public void Photos_split_by_source_before_augmenting_with_labels_from_class_folders()
    {
        using var dir = ClassFolders();
        var spec = new DataSpec(dir.Path, Count: 100, Augment: 2, Seed: 5);
        var data = CalibrationDataLoader.Load(TinyModels.Image(), spec);
        Assert.False(data.IsRandom);
        Assert.Equal(12, data.Calibration.Count);   // 4 photos × (centre + 2 crops)
        Assert.Equal(6, data.HeldOut.Count);        // 2 photos × 3
        var calPhotos = data.Calibration.Select(PhotoOf).ToHashSet();
        var heldPhotos = data.HeldOut.Select(PhotoOf).ToHashSet();
        Assert.Equal(4, calPhotos.Count);
        Assert.Equal(2, heldPhotos.Count);
        Assert.Empty(calPhotos.Intersect(heldPhotos));
        Assert.Equal(["cats", "dogs"], data.ClassNames);
        Assert.Equal(data.Calibration.Select(s => PhotoOf(s) < 3 ? 0 : 1), data.CalibrationLabels!);
        Assert.Equal(data.HeldOut.Select(s => PhotoOf(s) < 3 ? 0 : 1), data.HeldOutLabels!);
        Assert.All(data.Calibration, s => Assert.Equal([1L, 3, 8, 8], s[0].Dims));
        Assert.Contains("18 crops of 6 photos", data.Description);
        // Each calibration crop names its photo (the selection split withholds whole photos): one source per photo.
        Assert.Equal(4, data.CalibrationSources!.Distinct().Count());
        Assert.Equal(4, data.Calibration.Select(PhotoOf).Zip(data.CalibrationSources!).Distinct().Count());

        var again = CalibrationDataLoader.Load(TinyModels.Image(), spec);
        Assert.Equal(data.Calibration.Select(s => s[0].ToByteArray()), again.Calibration.Select(s => s[0].ToByteArray()));
    }

    [Fact]
    public void A_sample_cap_keeps_every_photo_and_the_held_out_share()
    {
        using var dir = ClassFolders();
        var data = CalibrationDataLoader.Load(TinyModels.Image(), new DataSpec(dir.Path, Count: 8, Augment: 10));
        Assert.Equal(6, data.Calibration.Count);
        Assert.Equal(2, data.HeldOut.Count);
        Assert.Equal(4, data.Calibration.Select(PhotoOf).Distinct().Count());
    }

    [Fact]
    public void Augmented_crops_of_a_real_photo_differ_and_stay_in_range()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("chelsea.png"), Condense.Imaging.SampleImages.LoadPng("chelsea"));
        var data = CalibrationDataLoader.Load(TinyModels.Image(size: 32), new DataSpec(dir.Path, Augment: 3, HeldOutFraction: 0));
        Assert.Equal(4, data.Calibration.Count);
        Assert.Empty(data.HeldOut);
        var values = data.Calibration.Select(s => OnnxTensorData.ToFloat32(s[0])).ToList();
        Assert.All(values, v => Assert.All(v, x => Assert.InRange(x, 0f, 1f)));
        Assert.Equal(4, values.Select(v => string.Join(",", v.Take(50))).Distinct().Count());
    }

    [Fact]
    public void Nhwc_and_grey_inputs_get_their_layout()
    {
        using var dir = ClassFolders();
        var nhwc = CalibrationDataLoader.Load(TinyModels.Make(("img", DataType.Float, [1, 8, 8, 3])), new DataSpec(dir.Path));
        Assert.Equal([1L, 8, 8, 3], nhwc.Calibration[0][0].Dims);
        var v = OnnxTensorData.ToFloat32(nhwc.Calibration[0][0]);
        Assert.Equal(100 / 255f, v[1], 5);
        Assert.Equal(200 / 255f, v[2], 5);
        var grey = CalibrationDataLoader.Load(TinyModels.Image(channels: 1), new DataSpec(dir.Path));
        Assert.Equal([1L, 1, 8, 8], grey.Calibration[0][0].Dims);
    }

    [Fact]
    public void Dynamic_image_sizes_need_an_input_shape()
    {
        using var dir = ClassFolders();
        var model = TinyModels.Make(("img", DataType.Float, [0, 3, 0, 0]));
        Assert.Contains("--input-shape img=1,3,224,224", Assert.Throws<CondenseException>(() => CalibrationDataLoader.Load(model, new DataSpec(dir.Path))).Message);
        var data = CalibrationDataLoader.Load(model, new DataSpec(dir.Path, InputShapes: new Dictionary<string, long[]> { ["img"] = [1, 3, 10, 6] }));
        Assert.Equal([1L, 3, 10, 6], data.Calibration[0][0].Dims);
    }

    [Fact]
    public void A_corrupt_image_among_good_ones_is_named()
    {
        using var dir = ClassFolders();
        var bad = Path.Combine(dir.Path, "dogs", "broken.png");
        var png = PhotoFiles.Uniform(20, 20, 1, 2, 3);
        File.WriteAllBytes(bad, png[..(png.Length / 2)]);
        var ex = Assert.Throws<InvalidFileException>(() => CalibrationDataLoader.Load(TinyModels.Image(), new DataSpec(dir.Path)));
        Assert.Equal(bad, ex.Source);
    }

    [Fact]
    public void An_empty_folder_and_text_for_an_image_model_are_refused()
    {
        using var dir = new TempFolder();
        Assert.Contains("holds no images", Assert.Throws<CondenseException>(() => CalibrationDataLoader.Load(TinyModels.Image(), new DataSpec(dir.Path))).Message);
        File.WriteAllText(dir.File("s.txt"), "A sentence.\nAnother one.\n");
        var ex = Assert.Throws<CondenseException>(() => CalibrationDataLoader.Load(TinyModels.Image(), new DataSpec(dir.File("s.txt"), Vocab: dir.File("v.txt"))));
        Assert.Contains("sentences feed a text model's input_ids", ex.Message);
        Assert.Contains("'pixels' FLOAT [1,3,8,8]", ex.Message);
    }

    [Fact]
    public void Sentences_become_token_ids_masks_and_types_of_their_own_length()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("v.txt"), Vocab);
        File.WriteAllText(dir.File("s.txt"), "Hello, world!\nunbelievable\nhello hello hello hello hello\n");
        var data = CalibrationDataLoader.Load(TinyModels.Text(), new DataSpec(dir.File("s.txt"), Vocab: dir.File("v.txt"), HeldOutFraction: 0, MaxSequenceLength: 6));
        Assert.Equal(3, data.Calibration.Count);
        var first = data.Calibration[0];
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], first.Select(t => t.Name));
        Assert.Equal([1L, 6], first[0].Dims);
        Assert.Equal([2L, 4, 5, 6, 7, 3], first[0].Int64Data.Count > 0 ? first[0].Int64Data : Longs(first[0]));
        Assert.All(Longs(first[1]), v => Assert.Equal(1L, v));
        Assert.All(Longs(first[2]), v => Assert.Equal(0L, v));
        Assert.Equal([2L, 4, 4, 4, 4, 3], Longs(data.Calibration[2][0]));   // 7 tokens capped at 6, [SEP] kept last
        Assert.Contains("--vocab", Assert.Throws<CondenseException>(() => CalibrationDataLoader.Load(TinyModels.Text(), new DataSpec(dir.File("s.txt")))).Message);
    }

    static long[] Longs(Onnx.TensorProto t) => t.Int64Data.Count > 0 ? [.. t.Int64Data] : Enumerable.Range(0, t.RawData.Length / 8).Select(i => BitConverter.ToInt64(t.RawData.Span[(i * 8)..])).ToArray();

    [Fact]
    public void Npy_rows_are_samples_with_a_batch_axis_and_npz_feeds_inputs_by_name()
    {
        using var dir = new TempFolder();
        var values = Enumerable.Range(0, 5 * 4).Select(i => (float)i).ToArray();
        NpyWriter.Write(dir.File("x.npy"), new NpyArray("x", DataType.Float, [5, 4], values.SelectMany(BitConverter.GetBytes).ToArray()));
        var one = TinyModels.Make(("a", DataType.Float, [0, 4]));
        var data = CalibrationDataLoader.Load(one, new DataSpec(dir.File("x.npy")));
        Assert.Equal(4, data.Calibration.Count);
        Assert.Single(data.HeldOut);
        var all = data.Calibration.Concat(data.HeldOut).Select(s => OnnxTensorData.ToFloat32(s[0])[0]).Order().ToArray();
        Assert.Equal([0f, 4, 8, 12, 16], all);
        Assert.All(data.Calibration, s => Assert.Equal([1L, 4], s[0].Dims));

        var two = TinyModels.Make(("a", DataType.Float, [0, 4]), ("b", DataType.Int64, [0, 2]));
        var npz = NpzReaderTests.Zip(System.IO.Compression.CompressionLevel.Optimal,
            ("b.npy", NpyWriter.ToBytes(new NpyArray("b", DataType.Int64, [5, 2], new byte[80]))),
            ("a.npy", NpyWriter.ToBytes(new NpyArray("a", DataType.Float, [5, 4], new byte[80]))),
            ("labels.npy", NpyWriter.ToBytes(new NpyArray("labels", DataType.Int64, [5], new long[] { 0, 1, 2, 3, 4 }.SelectMany(BitConverter.GetBytes).ToArray()))));
        File.WriteAllBytes(dir.File("d.data"), npz);   // recognised by content, not extension
        var both = CalibrationDataLoader.Load(two, new DataSpec(dir.File("d.data")));
        Assert.Equal(["a", "b"], both.Calibration[0].Select(t => t.Name));
        Assert.Equal(4, both.CalibrationLabels!.Count);
        Assert.Equal(10, both.CalibrationLabels.Concat(both.HeldOutLabels!).Sum());
    }

    [Fact]
    public void Arrays_that_do_not_match_the_inputs_are_refused_naming_both()
    {
        using var dir = new TempFolder();
        var model = TinyModels.Make(("a", DataType.Float, [0, 4]));
        NpyWriter.Write(dir.File("shape.npy"), new NpyArray("x", DataType.Float, [5, 3], new byte[60]));
        Assert.Contains("does not fit input 'a' FLOAT [?,4]", Assert.Throws<CondenseException>(() => CalibrationDataLoader.Load(model, new DataSpec(dir.File("shape.npy")))).Message);
        NpyWriter.Write(dir.File("type.npy"), new NpyArray("x", DataType.Double, [5, 4], new byte[160]));
        Assert.Contains("is DOUBLE, but input 'a' FLOAT [?,4] takes FLOAT", Assert.Throws<CondenseException>(() => CalibrationDataLoader.Load(model, new DataSpec(dir.File("type.npy")))).Message);
        File.WriteAllBytes(dir.File("name.npz"), NpzReaderTests.Zip(System.IO.Compression.CompressionLevel.Optimal,
            ("wrong.npy", NpyWriter.ToBytes(new NpyArray("wrong", DataType.Float, [5, 4], new byte[80])))));
        Assert.Contains("array 'wrong' names no input", Assert.Throws<CondenseException>(() => CalibrationDataLoader.Load(model, new DataSpec(dir.File("name.npz")))).Message);
    }

    [Fact]
    public void Without_data_random_inputs_say_they_mean_little()
    {
        var model = TinyModels.Make(("a", DataType.Float, [0, 4]), ("ids", DataType.Int64, [1, 0]));
        var data = CalibrationDataLoader.Load(model, new DataSpec(null, Count: 8, InputShapes: new Dictionary<string, long[]> { ["ids"] = [1, 7] }));
        Assert.True(data.IsRandom);
        Assert.Contains("mean little", data.Description);
        Assert.Equal(6, data.Calibration.Count);
        Assert.Equal(2, data.HeldOut.Count);
        Assert.Equal([1L, 4], data.Calibration[0][0].Dims);
        Assert.Equal([1L, 7], data.Calibration[0][1].Dims);
        Assert.NotEqual(data.Calibration[0][0].ToByteArray(), data.Calibration[1][0].ToByteArray());
        Assert.Contains("names 'nope'", Assert.Throws<CondenseException>(() => CalibrationDataLoader.Load(model, new DataSpec(null, InputShapes: new Dictionary<string, long[]> { ["nope"] = [1] }))).Message);
    }

    [Fact]
    public void Samples_that_would_not_fit_memory_are_refused_before_any_is_made()
    {
        var model = TinyModels.Image(size: 224);
        var ex = Assert.Throws<CondenseException>(() => CalibrationDataLoader.Load(model, new DataSpec(null, Count: 100_000)));
        Assert.Contains("--calibration-count", ex.Message);
    }
}

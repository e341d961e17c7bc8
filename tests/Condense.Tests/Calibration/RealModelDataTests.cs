using Condense.Calibration;
using Condense.Formats.Onnx;

namespace Condense.Tests.Calibration;

/// <summary>The real models with real data: ResNet18 on photos (with its preprocessing model), MiniLM on sentences.</summary>
[Trait("Category", "Slow")]
public class RealModelDataTests
{
    [Fact]
    public void ResNet18_photos_through_its_preprocessing_model_run_and_are_centred()
    {
        using var photos = TestPhotos.Folder(out var count);
        var model = OnnxReader.Read(PackagedModels.ResNet18);
        var spec = new DataSpec(photos.Path, PackagedModels.ResNet18Preprocess, Count: 8);
        var data = CalibrationDataLoader.Load(model, spec);
        Assert.Equal(Math.Min(count, 8), data.Calibration.Count + data.HeldOut.Count);
        Assert.All(data.Calibration.Concat(data.HeldOut), s => Assert.Equal([1L, 3, 224, 224], s[0].Dims));
        // ResNetPreprocess subtracts a mean image from RGB planes in 0..255: its output averages near 0
        // on photos fed 0..255 (the default with --preprocess), and near −mean (about −115) on 0..1.
        var means = data.Calibration.Select(s => OnnxTensorData.ToFloat32(s[0]).Average()).ToList();
        Assert.InRange(Math.Abs(means.Average()), 0, 60);
        var wrong = CalibrationDataLoader.Load(model, spec with { Count = 2, Image = new ImagePreprocessing { Range = 1 } });
        Assert.True(OnnxTensorData.ToFloat32(wrong.Calibration[0][0]).Average() < -90);
        using var runner = OnnxRuntimeRunner.FromFile(PackagedModels.ResNet18);
        var features = OnnxTensorData.ToFloat32(runner.Run(data.HeldOut[0])[0]);
        Assert.Equal(512, features.Length);
        Assert.All(features, f => Assert.True(float.IsFinite(f)));
    }

    [Fact]
    public void ResNet18_features_of_a_photos_crops_agree_more_than_those_of_two_photos()
    {
        using var dir = new TempFolder();
        foreach (var name in Condense.Imaging.SampleImages.Names)
            File.WriteAllBytes(dir.File(name + ".png"), Condense.Imaging.SampleImages.LoadPng(name));
        var data = CalibrationDataLoader.Load(OnnxReader.Read(PackagedModels.ResNet18),
            new DataSpec(dir.Path, PackagedModels.ResNet18Preprocess, HeldOutFraction: 0, Augment: 1, Seed: 2));
        // Variant-major order: chelsea, coffee (centre crops), then chelsea, coffee (random crop, maybe mirrored).
        using var runner = OnnxRuntimeRunner.FromFile(PackagedModels.ResNet18);
        var f = data.Calibration.Select(s => OnnxTensorData.ToFloat32(runner.Run(s)[0])).ToList();
        static double Cos(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum() / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(x => (double)x * x));
        Assert.True(Cos(f[0], f[2]) > Cos(f[0], f[1]) + 0.1, $"same photo {Cos(f[0], f[2]):F3}, two photos {Cos(f[0], f[1]):F3}");
        Assert.True(Cos(f[1], f[3]) > Cos(f[1], f[2]) + 0.1, $"same photo {Cos(f[1], f[3]):F3}, two photos {Cos(f[1], f[2]):F3}");
    }

    [Fact]
    public void MiniLm_sentences_tokenized_with_its_vocab_run_in_onnx_runtime()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("sentences.txt"), SampleSentences.Text);
        var model = OnnxReader.Read(PackagedModels.MiniLm);
        var data = CalibrationDataLoader.Load(model, new DataSpec(dir.File("sentences.txt"), Vocab: PackagedModels.MiniLmVocab, Count: 40));
        Assert.Equal(30, data.Calibration.Count);
        Assert.Equal(10, data.HeldOut.Count);
        Assert.All(data.Calibration, s => Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], s.Select(t => t.Name)));
        Assert.True(data.Calibration.Select(s => s[0].Dims[1]).Distinct().Count() > 3);   // each sentence its own length
        using var runner = new OnnxRuntimeRunner(model.ToByteArray(), "MiniLM");
        var output = runner.Run(data.HeldOut[0])[0];
        Assert.Equal([1L, data.HeldOut[0][0].Dims[1], 384], output.Dims);
    }
}

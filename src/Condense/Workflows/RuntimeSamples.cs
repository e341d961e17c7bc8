using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Formats.Text;
using Condense.Imaging;
using Onnx;

namespace Condense.Workflows;

/// <summary>
/// Input samples for <c>bench runtime</c>, from what is embedded in the library (the two sample
/// photos, the sample sentences) rather than a user's path, which is what
/// <c>CalibrationDataLoader</c> reads: random crops of photos (through a preprocessing model
/// when given), or sentences tokenized for a BERT-style model.
/// Every sample is one complete input set at batch 1; even-numbered samples calibrate, odd ones
/// are held out, so the check never sees the calibration inputs.
/// </summary>
public static class RuntimeSamples
{
    /// <summary>Splits samples alternately into calibration (even) and held-out (odd).</summary>
    public static (IReadOnlyList<IReadOnlyList<TensorProto>> Calibration, IReadOnlyList<IReadOnlyList<TensorProto>> HeldOut) Split(IReadOnlyList<IReadOnlyList<TensorProto>> samples) =>
        (samples.Where((_, i) => i % 2 == 0).ToList(), samples.Where((_, i) => i % 2 == 1).ToList());

    /// <summary>
    /// <paramref name="count"/> square crops (random side 50–100 % of the shorter side, random
    /// place, seeded) of the images, resized to <paramref name="side"/>², as RGB planes in 0..255,
    /// run through <paramref name="preprocessModel"/> when given, named <paramref name="inputName"/>.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<TensorProto>> FromImages(IReadOnlyList<RgbImage> images, int count, int side, string inputName,
        string? preprocessModel, int seed)
    {
        var random = new Random(seed);
        OnnxRuntimeRunner? prep = preprocessModel is null ? null : OnnxRuntimeRunner.FromFile(preprocessModel);
        try
        {
            var samples = new List<IReadOnlyList<TensorProto>>();
            for (int i = 0; i < count; i++)
            {
                var image = images[i % images.Count];
                var s = (int)(Math.Min(image.Width, image.Height) * (0.5 + 0.5 * random.NextDouble()));
                var x = random.Next(image.Width - s + 1);
                var y = random.Next(image.Height - s + 1);
                var crop = SampleImages.Square(image.Crop(x, y, s, s), side);
                var planes = new float[3 * side * side];
                for (int p = 0; p < side * side; p++)
                    for (int c = 0; c < 3; c++)
                        planes[c * side * side + p] = crop.Pixels[p * 3 + c];
                if (prep is null)
                {
                    samples.Add([OnnxTensorData.FromFloat32(inputName, planes, [1, 3, side, side])]);
                    continue;
                }
                var prepInput = OnnxTensorData.FromFloat32(prep.InputNames[0], planes, [1, 3, side, side]);
                var output = prep.Run([prepInput])[0];
                output.Name = inputName;
                samples.Add([output]);
            }
            return samples;
        }
        finally
        {
            prep?.Dispose();
        }
    }

    /// <summary>Sentences as the inputs of a BERT-style model, through the data branch's tokenizer.</summary>
    public static IReadOnlyList<IReadOnlyList<TensorProto>> FromSentences(OnnxModel model, IReadOnlyList<string> sentences, string vocabPath, int maxLength = 128)
    {
        var tokenizer = VocabReader.Load(vocabPath);
        var inputs = ModelInputs.Of(model.Proto.Graph, null, model.Source);
        return sentences.Select(s => TextCalibration.Sample(tokenizer, s, inputs, maxLength)).ToList();
    }
}

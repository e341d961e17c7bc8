using Condense.Formats.Onnx;
using Condense.Imaging;
using Onnx;

namespace Condense.Workflows;

/// <summary>
/// Input samples for runtime compression until the data branch's <c>CalibrationDataLoader</c>
/// lands (this is the small shim the brief allows): crops of photos (through a preprocessing
/// model when given), rows of a float32 .npy, or sentences tokenized for a BERT-style model.
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
    /// place, seeded) of the photos, resized to <paramref name="side"/>², as RGB planes in 0..255,
    /// run through <paramref name="preprocessModel"/> when given, named <paramref name="inputName"/>.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<TensorProto>> FromPhotos(IReadOnlyList<string> photos, int count, int side, string inputName,
        string? preprocessModel, int seed)
    {
        if (photos.Count == 0) throw new CondenseException("no photos given");
        return FromImages(photos.Select(p => ImageDecoder.Decode(p)).ToList(), count, side, inputName, preprocessModel, seed);
    }

    /// <summary>As <see cref="FromPhotos"/>, for decoded images.</summary>
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

    /// <summary>Rows of a little-endian float32 .npy [n, …] as batch-1 samples of the single input <paramref name="inputName"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<TensorProto>> FromNpy(string path, string inputName, int limit = 512)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || bytes[1] != (byte)'N') throw new InvalidFileException(path, "not a .npy file");
        int headerLength = bytes[8] | bytes[9] << 8, start = 10;
        if (bytes[6] >= 2) { headerLength = BitConverter.ToInt32(bytes, 8); start = 12; }
        if (start + headerLength > bytes.Length) throw new InvalidFileException(path, "header runs past the end");
        var header = System.Text.Encoding.ASCII.GetString(bytes, start, headerLength);
        if (!header.Contains("'<f4'") || header.Contains("'fortran_order': True")) throw new InvalidFileException(path, "only C-order float32 (<f4) arrays are read");
        var shapeText = header[(header.IndexOf("'shape': (", StringComparison.Ordinal) + 10)..];
        shapeText = shapeText[..shapeText.IndexOf(')', StringComparison.Ordinal)];
        var dims = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.TryParse(d, out var v) && v > 0 ? v : throw new InvalidFileException(path, $"bad shape ({shapeText})")).ToArray();
        if (dims.Length < 2) throw new InvalidFileException(path, $"expected [samples, ...], got ({shapeText})");
        long per = dims.Skip(1).Aggregate(1L, (a, d) => checked(a * d));
        var data = start + headerLength;
        if (data + dims[0] * per * 4 > bytes.Length) throw new InvalidFileException(path, "data shorter than its shape");
        var samples = new List<IReadOnlyList<TensorProto>>();
        for (long i = 0; i < Math.Min(dims[0], limit); i++)
        {
            var values = new float[per];
            Buffer.BlockCopy(bytes, (int)(data + i * per * 4), values, 0, (int)(per * 4));
            samples.Add([OnnxTensorData.FromFloat32(inputName, values, [1, .. dims.Skip(1)])]);
        }
        return samples;
    }

    /// <summary>Sentences as (input_ids, attention_mask, token_type_ids) int64 [1, n] for a BERT-style model, WordPiece over <paramref name="vocabPath"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<TensorProto>> FromSentences(IReadOnlyList<string> sentences, string vocabPath, IReadOnlyList<string> inputNames, int maxLength = 128)
    {
        var tokenizer = new WordPieceShim(File.ReadAllLines(vocabPath));
        return sentences.Select(s =>
        {
            var ids = tokenizer.Encode(s, maxLength);
            var tensors = new List<TensorProto>();
            foreach (var name in inputNames)
            {
                var values = name.Contains("mask", StringComparison.Ordinal) ? ids.Select(_ => 1L).ToArray()
                    : name.Contains("type", StringComparison.Ordinal) ? new long[ids.Length] : ids;
                tensors.Add(OnnxTensorData.Int64(name, values, 1, values.Length));
            }
            return (IReadOnlyList<TensorProto>)tensors;
        }).ToList();
    }
}

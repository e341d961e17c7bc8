using Condense.Formats.Images;
using Condense.Formats.Onnx;
using Condense.Imaging;
using Google.Protobuf;
using Onnx;

namespace Condense.Calibration;

/// <summary>
/// Calibration data from a folder of photos. Photos are split into calibration and held out first,
/// then each gives its centre crop and <see cref="DataSpec.Augment"/> seeded random crops (zoomed
/// up to 1.25×, shifted, half of them mirrored), taken round-robin so a sample cap keeps every
/// photo. Photos are decoded one at a time; the optional preprocessing model runs on each crop.
/// </summary>
public static class ImageCalibration
{
    /// <summary>Builds the data for a model whose only input is <paramref name="inputs"/>[0].</summary>
    public static CalibrationData Build(IReadOnlyList<ModelInput> inputs, DataSpec spec, string modelSource)
    {
        var path = spec.Path!;
        var folder = ImageFolderReader.List(path);
        if (inputs.Count != 1)
            throw new CondenseException($"{path}: photos feed one image input, but {modelSource} takes {inputs.Count}: {string.Join(", ", inputs)}");
        var options = spec.Image ?? ImagePreprocessing.Default;
        OnnxRuntimeRunner? pre = null;
        try
        {
            ImageGeometry geometry;
            string preInputName = inputs[0].Name;
            if (spec.PreprocessModel is { } prePath)
            {
                var preModel = OnnxReader.Read(prePath);
                var preInputs = ModelInputs.Of(preModel.Proto.Graph, null, prePath);
                if (preInputs.Count != 1 || preModel.Proto.Graph.Output.Count != 1)
                    throw new CondenseException($"{prePath}: a preprocessing model needs one input and one output, not {preInputs.Count} and {preModel.Proto.Graph.Output.Count}");
                geometry = ImageGeometry.Of(preInputs[0], options.Layout, prePath);
                preInputName = preInputs[0].Name;
                var runnable = preModel.Proto.Clone();
                OnnxOpsetUpgrade.ToOpset7(runnable, prePath);
                pre = new OnnxRuntimeRunner(runnable.ToByteArray(), prePath);
            }
            else
            {
                geometry = ImageGeometry.Of(inputs[0], options.Layout, modelSource);
            }
            var range = options.Range ?? (pre is null ? 1f : 255f);
            var resize = options.Resize ?? Math.Max(geometry.Height, geometry.Width);
            var variants = 1 + spec.Augment;
            var split = SourceSplit.Make(folder.Files.Count, spec.Count, spec.HeldOutFraction, spec.Seed);
            var heldCap = split.HeldOut.Length == 0 ? 0 : Math.Clamp((int)Math.Round(spec.Count * spec.HeldOutFraction, MidpointRounding.AwayFromZero), 1, Math.Max(spec.Count - 1, 1));
            CalibrationDataLoader.CheckMemory(Math.Min(spec.Count, (long)folder.Files.Count * variants), 4L * geometry.Channels * geometry.Height * geometry.Width, path);
            var calPairs = Pairs(split.Calibration, variants, spec.Count - heldCap);
            var heldPairs = Pairs(split.HeldOut, variants, heldCap);

            var made = new Dictionary<(int Photo, int Variant), IReadOnlyList<TensorProto>>();
            foreach (var group in calPairs.Concat(heldPairs).GroupBy(p => p.Photo).OrderBy(g => g.Key))
            {
                var entry = folder.Files[group.Key];
                var image = ImageDecoder.Decode(entry.Path, new ImageDecodeOptions { MaxPixels = options.MaxPixels });
                foreach (var (photo, variant) in group)
                {
                    var region = Region(image, geometry, resize, spec.Seed, photo, variant);
                    var pixels = ImageResampler.Resample(image, region, geometry.Width, geometry.Height);
                    var values = ImageTensor.Normalise(pixels, geometry.Height, geometry.Width, geometry.Channels, options, geometry.Layout, range);
                    var tensor = OnnxTensorData.FromFloat32(preInputName, values, geometry.Dims);
                    if (pre is not null)
                    {
                        tensor = pre.Run([tensor])[0];
                        tensor.Name = inputs[0].Name;
                    }
                    made[(photo, variant)] = [tensor];
                }
            }
            var calibration = calPairs.Select(p => made[p]).ToList();
            var heldOut = heldPairs.Select(p => made[p]).ToList();
            bool labelled = folder.ClassNames.Count > 0;
            var photos = split.Calibration.Length + split.HeldOut.Length;
            var what = variants > 1 ? "crops" : "centre crops";
            var description = $"{calibration.Count + heldOut.Count} {what} of {(photos < folder.Files.Count ? $"{photos} of " : "")}{folder.Files.Count} photos in {path}"
                + $" ({calibration.Count} calibration from {split.Calibration.Length} photos, {heldOut.Count} held out from {split.HeldOut.Length} others"
                + (labelled ? $", {folder.ClassNames.Count} classes" : "") + ")"
                + (spec.PreprocessModel is null ? "" : $" through {Path.GetFileName(spec.PreprocessModel)}")
                + (folder.SkippedText.Count == 0 ? "" : $"; skipped {folder.SkippedText.Count} text file{(folder.SkippedText.Count == 1 ? "" : "s")} ({string.Join(", ", folder.SkippedText.Take(3).Select(Path.GetFileName))})");
            return new CalibrationData(calibration, heldOut, description, false,
                labelled ? calPairs.Select(p => folder.Files[p.Photo].Label!.Value).ToList() : null,
                labelled ? heldPairs.Select(p => folder.Files[p.Photo].Label!.Value).ToList() : null)
            { ClassNames = folder.ClassNames, CalibrationSources = [.. calPairs.Select(p => p.Photo)] };
        }
        finally
        {
            pre?.Dispose();
        }
    }

    /// <summary>Photo × variant pairs, variant-major (every photo's centre crop first), at most <paramref name="cap"/>.</summary>
    static List<(int Photo, int Variant)> Pairs(int[] photos, int variants, int cap) =>
        Enumerable.Range(0, variants).SelectMany(v => photos.Select(p => (p, v))).Take(Math.Max(cap, 0)).ToList();

    /// <summary>Variant 0 is the centre crop; the others are seeded by (seed, photo, variant) alone, so adding photos changes no other crop.</summary>
    public static CropRegion Region(RgbImage image, ImageGeometry geometry, int resize, int seed, int photo, int variant)
    {
        if (variant == 0) return CropRegion.Centre(image.Width, image.Height, resize, geometry.Width, geometry.Height);
        var random = new Random(HashCode(seed, photo, variant));
        var zoom = 1 + (0.25 * random.NextDouble());
        var shiftX = (2 * random.NextDouble()) - 1;
        var shiftY = (2 * random.NextDouble()) - 1;
        var flip = random.Next(2) == 1;
        return CropRegion.Centre(image.Width, image.Height, resize, geometry.Width, geometry.Height, zoom, shiftX, shiftY, flip);
    }

    static int HashCode(int seed, int photo, int variant)
    {
        // A fixed mix (System.HashCode is randomised per process).
        unchecked
        {
            ulong h = ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)photo * 0xC2B2AE3D27D4EB4FUL) ^ ((ulong)(uint)variant * 0x165667B19E3779F9UL);
            h ^= h >> 29;
            h *= 0xBF58476D1CE4E5B9UL;
            h ^= h >> 32;
            return (int)(h & 0x7FFFFFFF);
        }
    }
}

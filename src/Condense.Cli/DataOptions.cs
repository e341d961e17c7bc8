using System.CommandLine;
using System.Globalization;
using Condense.Calibration;
using Condense.Formats.Onnx;

namespace Condense.Cli;

/// <summary>
/// The calibration-data options, defined once so every command that takes a model offers the
/// same <c>--data</c>, <c>--preprocess</c>, <c>--vocab</c>, <c>--input-shape</c> and image options
/// (docs/data.md, "Calibration data for any model"). <see cref="Add"/> puts them on a command;
/// <see cref="Spec"/> reads them back by name into a <see cref="DataSpec"/>.
/// </summary>
public static class DataOptions
{
    /// <summary>Adds the data options to <paramref name="command"/> (which must not define them itself).</summary>
    public static void Add(Command command)
    {
        command.Options.Add(new Option<string>("--data") { Description = "Calibration/evaluation data, recognised by content: a folder of images (optional class sub-folders), a .txt of sentences, a .npy or .npz. Without it: seeded random inputs, whose figures mean little." });
        command.Options.Add(new Option<string>("--preprocess") { Description = "An ONNX model run on each image first (its input shape sets the image size; values 0..255 unless --range says otherwise)" });
        command.Options.Add(new Option<string>("--vocab") { Description = "The text model's WordPiece vocab.txt (required with sentences)" });
        InputShapeOption.Add(command);
        command.Options.Add(new Option<int>("--calibration-count") { Description = "The most samples in all, calibration and held out together", DefaultValueFactory = _ => 256 });
        command.Options.Add(new Option<double>("--held-out") { Description = "Share of photos/sentences/rows held out for evaluation, never calibrated on", DefaultValueFactory = _ => 0.25 });
        command.Options.Add(new Option<int>("--augment") { Description = "Images: seeded random crops with flips per photo, beside its centre crop (e.g. 20: a dozen photos give 256 samples)" });
        command.Options.Add(new Option<int>("--max-tokens") { Description = "Text: the most tokens per sentence, [CLS] and [SEP] included", DefaultValueFactory = _ => 128 });
        command.Options.Add(new Option<int?>("--resize") { Description = "Images: the shorter side's length before the centre crop (e.g. 256 for 224 crops); default: the crop size" });
        command.Options.Add(new Option<string>("--mean") { Description = "Images: per-channel means in RGB order and --range units, e.g. 0.485,0.456,0.406 (or 'imagenet' to set mean and std)" });
        command.Options.Add(new Option<string>("--std") { Description = "Images: per-channel standard deviations, e.g. 0.229,0.224,0.225" });
        command.Options.Add(new Option<float?>("--range") { Description = "Images: 1 for values 0..1, 255 for 0..255 (default 1; 255 with --preprocess)" });
        command.Options.Add(new Option<string>("--channel-order") { Description = "Images: rgb | bgr", DefaultValueFactory = _ => "rgb" });
        command.Options.Add(new Option<string>("--layout") { Description = "Images: nchw | nhwc (default: read off the input's shape)" });
    }

    /// <summary>The <see cref="DataSpec"/> the parsed options describe; <paramref name="seed"/> comes from the command's own --seed.</summary>
    public static DataSpec Spec(ParseResult parse, int seed = 0)
    {
        var mean = parse.GetValue<string>("--mean");
        var std = parse.GetValue<string>("--std");
        bool imagenet = string.Equals(mean, "imagenet", StringComparison.OrdinalIgnoreCase);
        var image = new ImagePreprocessing
        {
            Resize = parse.GetValue<int?>("--resize"),
            Mean = imagenet ? ImagePreprocessing.ImageNet.Mean : Floats("--mean", mean),
            Std = imagenet && std is null ? ImagePreprocessing.ImageNet.Std : Floats("--std", std),
            Range = parse.GetValue<float?>("--range"),
            Order = (parse.GetValue<string>("--channel-order") ?? "rgb").ToLowerInvariant() switch
            {
                "rgb" => ChannelOrder.Rgb,
                "bgr" => ChannelOrder.Bgr,
                var o => throw new CondenseException($"--channel-order must be rgb or bgr, not '{o}'"),
            },
            Layout = parse.GetValue<string>("--layout")?.ToLowerInvariant() switch
            {
                null => null,
                "nchw" => TensorLayout.Nchw,
                "nhwc" => TensorLayout.Nhwc,
                var l => throw new CondenseException($"--layout must be nchw or nhwc, not '{l}'"),
            },
        };
        var spec = new DataSpec(parse.GetValue<string>("--data"), parse.GetValue<string>("--preprocess"), parse.GetValue<string>("--vocab"),
            Shapes(parse.GetValue<string[]>("--input-shape")), parse.GetValue<int>("--calibration-count"), parse.GetValue<double>("--held-out"),
            seed, parse.GetValue<int>("--max-tokens"), image, parse.GetValue<int>("--augment"));
        return spec;
    }

    /// <summary>Parses repeated NAME=D1,D2,... values (the library's one parser, <see cref="OnnxInputShapes"/>).</summary>
    public static IReadOnlyDictionary<string, long[]>? Shapes(string[]? values) =>
        values is null || values.Length == 0 ? null : OnnxInputShapes.Parse(values).Shapes;

    static float[]? Floats(string option, string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                throw new CondenseException($"{option} '{text}': '{parts[i]}' is not a number");
        return values;
    }
}

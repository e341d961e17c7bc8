using Condense.Formats.Onnx.Cnn;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Models.Cnn;

/// <summary>How a <see cref="ConvAutoencoder"/> brings the 7×7 code back to 28×28.</summary>
public enum AutoencoderDecoder
{
    /// <summary>Two 3×3 transposed convolutions of stride 2 (learned upsampling; ONNX ConvTranspose).</summary>
    ConvTranspose,
    /// <summary>Bilinear ×2 upsampling, then a 3×3 conv, twice (ONNX Resize, linear mode, half-pixel).</summary>
    Bilinear,
}

/// <summary>
/// A small convolutional autoencoder for 28×28 images, built to compare the survey's two
/// decoders on the same encoder: 3×3 conv (w) → ReLU → 2×2 max pool → 3×3 conv (c) → ReLU →
/// 2×2 max pool gives a c×7×7 code; the decoder is either two stride-2 transposed 3×3 convs
/// (c → w → 1) or two (bilinear ×2, 3×3 conv) steps with the same channels. Both decoders have
/// exactly the same parameter count (the kernels have the same shapes); the bilinear one runs its
/// convs on the upsampled grids, so it costs more multiply-accumulates but cannot produce the
/// checkerboard pattern a stride-2 transposed conv can. It takes and returns flat 784-pixel rows
/// in [0, 1] (a sigmoid at the end), so the trainer's and evaluators' reconstruction path (MSE
/// against the input) applies unchanged.
/// </summary>
public sealed class ConvAutoencoder : CondenseModel, IConvolutionalModel
{
    const int Side = CnnModel.Side;
    readonly ConvUnit enc1, enc2;
    readonly ConvUnit? dec1, dec2;
    readonly ConvTranspose2d? up1, up2;

    /// <param name="decoder">Which decoder.</param>
    /// <param name="width">Channels of the first encoder conv and of the decoder's hidden layer.</param>
    /// <param name="code">Channels of the 7×7 code.</param>
    public ConvAutoencoder(AutoencoderDecoder decoder, int width = 16, int code = 8) : base("ConvAutoencoder", ModelTask.Reconstruction)
    {
        if (width is < 1 or > 1024 || code is < 1 or > 1024) throw new CondenseException($"autoencoder width {width} and code {code} must be in 1–1024");
        Decoder = decoder;
        Width = width;
        Code = code;
        enc1 = Unit("enc1", 1, width);
        enc2 = Unit("enc2", width, code);
        if (decoder == AutoencoderDecoder.ConvTranspose)
        {
            up1 = nn.ConvTranspose2d(code, width, 3, stride: 2, padding: 1, output_padding: 1);
            up2 = nn.ConvTranspose2d(width, 1, 3, stride: 2, padding: 1, output_padding: 1);
            register_module("up1", up1);
            register_module("up2", up2);
        }
        else
        {
            dec1 = Unit("dec1", code, width);
            dec2 = Unit("dec2", width, 1);
        }
    }

    /// <summary>The decoder this network uses.</summary>
    public AutoencoderDecoder Decoder { get; }

    /// <summary>Channels of the first encoder conv and of the decoder's hidden layer.</summary>
    public int Width { get; }

    /// <summary>Channels of the 7×7 code.</summary>
    public int Code { get; }

    /// <summary>The encoder's convs and, for the bilinear decoder, its convs (transposed convs are not <see cref="ConvUnit"/>s).</summary>
    public IReadOnlyList<ConvUnit> ConvUnits => dec1 is null ? [enc1, enc2] : [enc1, enc2, dec1, dec2!];

    /// <summary>No Linear layers: MLP-only methods have nothing to work on here.</summary>
    public override IReadOnlyList<(string Name, Linear Layer)> Layers => [];

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.reshape(-1, 1, Side, Side);
        var h = nn.functional.max_pool2d(nn.functional.relu(enc1.Conv.forward(x)), 2);
        h = nn.functional.max_pool2d(nn.functional.relu(enc2.Conv.forward(h)), 2);
        Tensor y;
        if (up1 is not null)
        {
            h = nn.functional.relu(up1.forward(h));
            y = up2!.forward(h);
        }
        else
        {
            h = nn.functional.relu(dec1!.Conv.forward(Upsample(h)));
            y = dec2!.Conv.forward(Upsample(h));
        }
        return nn.functional.sigmoid(y).reshape(-1, Side * Side).MoveToOuterDisposeScope();
    }

    /// <summary>The ONNX counterpart of <see cref="forward"/> on the N×1×28×28 input value; returns the N×784 output value.</summary>
    public string EmitOnnx(CnnGraphBuilder g, string images)
    {
        var h = g.MaxPool(g.Relu(g.Conv(images, enc1)), 2);
        h = g.MaxPool(g.Relu(g.Conv(h, enc2)), 2);
        string y;
        if (up1 is not null)
        {
            h = g.Relu(g.ConvTranspose(h, "up1", up1, 2, 1, 1));
            y = g.ConvTranspose(h, "up2", up2!, 2, 1, 1);
        }
        else
        {
            h = g.Relu(g.Conv(g.ResizeBilinear(h, 2), dec1!));
            y = g.Conv(g.ResizeBilinear(h, 2), dec2!);
        }
        return g.Reshape(g.Sigmoid(y), Side * Side);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Describe() => new Dictionary<string, string>
    {
        ["architecture"] = "ConvAutoencoder",
        ["decoder"] = Decoder == AutoencoderDecoder.ConvTranspose ? "convtranspose" : "bilinear",
        ["width"] = Width.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["code"] = Code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    // align_corners = false is PyTorch's half-pixel convention, the one ONNX Resize uses by default.
    static Tensor Upsample(Tensor x) =>
        nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bilinear, align_corners: false);

    ConvUnit Unit(string name, long input, long output)
    {
        var conv = nn.Conv2d(input, output, 3, padding: 1);
        register_module(name, conv);
        return new ConvUnit(name, conv, null, null, 1, 1);
    }
}

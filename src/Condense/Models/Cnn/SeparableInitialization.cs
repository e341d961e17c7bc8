using static TorchSharp.torch;

namespace Condense.Models.Cnn;

/// <summary>
/// Starts a depthwise-separable VGG from the trained network it replaces, instead of from random
/// weights, so that distillation begins near the teacher rather than at chance. Units the two
/// configurations share and the classifier are copied. Each replaced 3×3 conv W (out × in × 3 × 3)
/// is split per input channel c by its best rank-1 approximation W[:, c] ≈ σ_c u_c v_cᵀ (the SVD
/// of the out × 9 slice): v_c becomes the depthwise kernel of channel c and σ_c u_c the pointwise
/// column, which is exactly a depthwise conv followed by a 1×1 conv. The depthwise unit's BN and
/// ReLU sit between the two, so the BN is set to pass the depthwise output on shifted by
/// <c>shift</c> of its own standard deviations (ReLU then leaves all but the far tail alone), the
/// pointwise column is scaled by that standard deviation, and the pointwise BN takes the teacher's
/// γ, β and running variance with its running mean moved by the constant the shift adds: in eval
/// mode the student then computes the teacher's function up to the rank-1 error and the clipped
/// tail. The depthwise statistics come from the teacher's own features on a sample of training images.
/// </summary>
public static class SeparableInitialization
{
    /// <summary>How many standard deviations the depthwise BN shifts its output by, so that its ReLU clips about 0.1 % of values.</summary>
    public const double DefaultShift = 3;

    /// <summary>
    /// Initialises <paramref name="student"/> (the teacher's configuration with some units "d…")
    /// from <paramref name="teacher"/>, with depthwise statistics from <paramref name="pixels"/>
    /// (N × 784 plain pixels, as the models take them); returns the share of each replaced conv's
    /// squared Frobenius norm the rank-1 split keeps, by pointwise unit name.
    /// </summary>
    public static IReadOnlyDictionary<string, double> FromTeacher(VggNet teacher, VggNet student, Tensor pixels, double shift = DefaultShift)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(pixels);
        if (!teacher.BatchNorm || !student.BatchNorm || teacher.Order != ConvOrder.ConvBnReluPool || student.Order != ConvOrder.ConvBnReluPool)
            throw new CondenseException("a separable student starts from its teacher only with BatchNorm after each conv (Conv→BN→ReLU)");
        var tokens = VggNet.Tokens(teacher.Config);
        var studentTokens = VggNet.Tokens(student.Config);
        if (tokens.Count != studentTokens.Count || tokens.Zip(studentTokens).Any(p => p.First != p.Second && "d" + p.First != p.Second))
            throw new CondenseException($"'{student.Config}' is not '{teacher.Config}' with some units depthwise-separable");
        if (tokens.Any(t => t.Contains('g', StringComparison.Ordinal)))
            throw new CondenseException($"'{teacher.Config}': a teacher with group convolutions cannot be split per input channel");

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        teacher.eval();
        var images = pixels.reshape(-1, 1, CnnModel.Side, CnnModel.Side);
        if (teacher.Normalization is { } n) images = (images - n.Mean) / n.Std;
        var kept = new Dictionary<string, double>();
        int t = 0, s = 0;
        for (int step = 0; step < tokens.Count; step++)
        {
            if (tokens[step] == "M") continue;
            var from = teacher.ConvUnits[t++];
            if (studentTokens[step] == tokens[step])
            {
                Copy(from, student.ConvUnits[s++]);
                continue;
            }
            var (dw, pw) = (student.ConvUnits[s++], student.ConvUnits[s++]);
            var input = teacher.Features(images, 0, step);
            kept[pw.Name] = Split(from, dw, pw, input, shift);
        }
        student.Head.weight!.copy_(teacher.Head.weight!);
        student.Head.bias!.copy_(teacher.Head.bias!);
        return kept;
    }

    static void Copy(ConvUnit from, ConvUnit to)
    {
        to.Conv.weight!.copy_(from.Conv.weight!);
        CopyNorm(from, to);
    }

    static void CopyNorm(ConvUnit from, ConvUnit to)
    {
        var (a, b) = (from.Norm!, to.Norm!);
        b.weight!.copy_(a.weight!);
        b.bias!.copy_(a.bias!);
        b.running_mean!.copy_(a.running_mean!);
        b.running_var!.copy_(a.running_var!);
    }

    // The rank-1 split of one 3×3 conv into the depthwise unit dw and the pointwise unit pw; returns the share of ‖W‖² kept.
    static double Split(ConvUnit from, ConvUnit dw, ConvUnit pw, Tensor input, double shift)
    {
        var w = from.Conv.weight!.to(ScalarType.Float64);                        // out × in × 3 × 3
        long outputs = w.shape[0], inputs = w.shape[1];
        var slices = w.permute(1, 0, 2, 3).reshape(inputs, outputs, 9);            // per input channel: out × 9
        var (u, sigma, vh) = linalg.svd(slices, fullMatrices: false);
        var depthwise = vh.select(1, 0);                                           // in × 9, unit norm
        var column = u.select(2, 0) * sigma.select(1, 0).unsqueeze(1);             // in × out: σ_c u_c
        var share = (sigma.select(1, 0).square().sum() / w.square().sum()).item<double>();

        dw.Conv.weight!.copy_(depthwise.reshape(inputs, 1, 3, 3));
        // The depthwise output's statistics on the teacher's features decide its BN and the pointwise scale.
        var z = nn.functional.conv2d(input, dw.Conv.weight!, padding: [1, 1], groups: inputs).to(ScalarType.Float64);
        var mean = z.mean([0, 2, 3]);
        var variance = z.var([0, 2, 3], unbiased: false);
        var norm = dw.Norm!;
        var deviation = (variance + norm.eps).sqrt();
        norm.weight!.fill_(1);
        norm.bias!.fill_(shift);
        norm.running_mean!.copy_(mean);
        norm.running_var!.copy_(variance);

        // pw input is (z − μ)/s + shift, so the column times s gives σ u (z − μ) + shift·σ u s: the teacher's output less a constant per output.
        var scaled = column * deviation.unsqueeze(1);                              // in × out
        pw.Conv.weight!.copy_(scaled.t().reshape(outputs, inputs, 1, 1));
        CopyNorm(from, pw);
        var constant = (column.t().matmul(shift * deviation - mean));              // out: what pw adds beyond the teacher's conv
        pw.Norm!.running_mean!.add_(constant.to(pw.Norm.running_mean!.dtype));
        return share;
    }
}

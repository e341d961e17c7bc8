namespace Condense.Analysis;

/// <summary>
/// One way to store one layer's weight that analysis measures and the planner may choose:
/// kept in float32, or quantized on a linear grid (per output channel, or per block of columns)
/// or a k-means codebook per output row, by GPTQ against the layer's calibration inputs or by
/// rounding to nearest. A short label ("g4", "g4b32-rtn", "k3", "fp32") names it in reports and on
/// the command line.
/// </summary>
/// <param name="Label">The setting's name, as parsed.</param>
/// <param name="Keep">Float32, untouched.</param>
/// <param name="Codebook">k-means codebook per row rather than a linear grid.</param>
/// <param name="Bits">Bits per weight (grid 2–8, codebook 1–8).</param>
/// <param name="BlockSize">Grid columns per (row, block); 0 = one grid per output channel.</param>
/// <param name="Gptq">GPTQ with the calibration H, or round to nearest.</param>
/// <param name="DropPercent">
/// −1: every input column stored. 0 ("z"): input columns that saw no calibration input (H's diagonal 0) are
/// not stored at all (they read 0); p > 0 ("z5"): also the columns of least saliency H_jj·‖w_j‖² up to p % of
/// the columns, GPTQ spreading their removal over the columns after them (<see cref="ColumnDrop"/>).
/// MatMul, Gemm and one-group Conv (its unfolded matrix [out, in·kh·kw]); a grouped Conv is not offered it and a
/// table keeps every column. A held-out input in a dropped column is
/// an error the held-out figures show.
/// </param>
/// <param name="SplitPercent">
/// 0: one grid or codebook for all columns. p > 0 ("g4+25"): the p % most salient input columns
/// (H_jj·‖w_j‖², as OWQ picks them) at one bit more, each part with its own grid or codebook per row;
/// columns without calibration input are dropped as by "z". MatMul, Gemm and one-group Conv by GPTQ; a table's columns
/// by rounding to nearest; a grouped Conv is not offered it.
/// </param>
/// <param name="RankPercent">
/// 0: full rank. p > 0 ("r25", "r25g8"): W ≈ L·R with the rank r whose two factors hold p % of W's parameters,
/// r = ⌊p/100 · rows·columns/(rows + columns)⌋ (at least 1), cut by the activation-aware (whitened) SVD
/// against the calibration H, or the plain SVD with "-rtn"; the factors are float32, or with "g&lt;bits&gt;" on a
/// grid per row (R by GPTQ against H, L rounded). MatMul/Gemm only (<see cref="StructuralSettings"/>).
/// </param>
/// <param name="SparsityPercent">
/// 0: dense. p > 0 ("s50", "s50g8"): p % of the weights zero by SparseGPT against the calibration H (by
/// magnitude with "-rtn"), stored as a 1-bit mask and the non-zeros (float32, or with "g&lt;bits&gt;" on one grid).
/// </param>
/// <param name="ChannelPercent">
/// 0: every output channel kept. p > 0 ("c75", "c75g4"): the layer's dependency group keeps p % of its channels,
/// those removed chosen and the consumers refitted as <c>prune --structured</c> does (<see cref="ChannelSetting"/>);
/// the kept weights float32, or with "g&lt;bits&gt;" on a grid per row by GPTQ.
/// </param>
/// <param name="Kernel">
/// None: the weight is decoded to float32 in the graph (ONNX Runtime folds the decoder at session start). Otherwise the
/// layer runs on an ONNX Runtime kernel that reads the compressed weight itself ("n4": MatMulNBits, "d8": dynamic int8;
/// <see cref="KernelSettings"/>), the one kind of setting that changes latency on a CPU besides low rank.
/// </param>
public sealed record QuantizationSetting(string Label, bool Keep, bool Codebook, int Bits, int BlockSize, bool Gptq, int DropPercent = -1, int SplitPercent = 0,
    int RankPercent = 0, int SparsityPercent = 0, int ChannelPercent = 0, KernelOperator Kernel = KernelOperator.None)
{
    /// <summary>float32: the weight as it is.</summary>
    public static readonly QuantizationSetting Float32 = new("fp32", true, false, 32, 0, false);

    /// <summary>Every form a setting may take, for the one refusal message.</summary>
    const string Forms = "fp32, g<bits>[b<block>][-rtn], k<bits>[-rtn], r<percent>[g<bits>], s<percent>[g<bits>], c<percent>[g<bits>], n<bits>[b<block>][-rtn] or d8";

    // Before Defaults: static initialisers run in the order they are written, and Defaults parses.
    /// <summary>
    /// The setting families other than grids and codebooks, by their first letter (followed by a digit):
    /// each parses (text as given, lower-cased label, body without "-rtn", whether "-rtn" was given).
    /// </summary>
    static readonly Dictionary<char, Func<string, string, string, bool, QuantizationSetting>> Families = new()
    {
        ['r'] = ParseStructural, ['s'] = ParseStructural,
        ['c'] = ChannelSetting.Parse,
        ['n'] = KernelSettings.Parse, ['d'] = KernelSettings.Parse,
    };

    /// <summary>What analysis and the planner try unless told otherwise: 8-bit grid, 4/3/2-bit grids by GPTQ and by rounding, 4/3/2-bit codebooks.</summary>
    public static IReadOnlyList<QuantizationSetting> Defaults { get; } =
        [.. new[] { "g8-rtn", "g4", "g4-rtn", "g3", "g2", "k4", "k3", "k2" }.Select(Parse)];

    /// <summary>
    /// "fp32", or g|k + bits [+ "b" + block] [+ "z" [+ percent]] [+ "-rtn"]: "g4" = 4-bit grid per channel by GPTQ,
    /// "g4b32-rtn" = 4-bit grid per 32-column block rounded to nearest, "k3" = 3-bit codebook per row by GPTQ,
    /// "g4z" = "g4" without the input columns that saw no calibration input, "k4z10" = "k4" without the
    /// 10 % least salient input columns (GPTQ only, no blocks), "g3+50" = the most salient half of the
    /// input columns at 4 bits, the rest at 3 (and no column without input stored); "r25g8" = low rank
    /// with 25 % of the parameters in 8-bit factors, "s50" = half the weights zero by SparseGPT.
    /// </summary>
    public static QuantizationSetting Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim().ToLowerInvariant();
        if (s is "fp32" or "keep") return Float32;
        var rtn = s.EndsWith("-rtn", StringComparison.Ordinal);
        var body = rtn ? s[..^4] : s;
        if (body.Length > 1 && char.IsAsciiDigit(body[1]) && Families.TryGetValue(body[0], out var family)) return family(text, s, body, rtn);
        var drop = -1;
        var split = 0;
        if (body.IndexOf('+', StringComparison.Ordinal) is var plus and > 0)
        {
            var percent = body[(plus + 1)..];
            if (!int.TryParse(percent, out split) || split is < 1 or > 99)
                throw new CondenseException($"setting '{text}': the columns at one bit more after '+' must be 1–99 %, not '{percent}'");
            if (rtn) throw new CondenseException($"setting '{text}': splitting columns needs GPTQ's calibration statistics, not -rtn");
            body = body[..plus];
            if (body.Contains('b', StringComparison.Ordinal) || body.Contains('z', StringComparison.Ordinal))
                throw new CondenseException($"setting '{text}': a split works per channel (no blocks) and drops unused columns itself (no 'z')");
            drop = 0;
        }
        if (split == 0 && body.IndexOf('z', StringComparison.Ordinal) is var z and > 0)
        {
            var percent = body[(z + 1)..];
            if (percent.Length == 0) drop = 0;
            else if (!int.TryParse(percent, out drop) || drop is < 1 or > 90)
                throw new CondenseException($"setting '{text}': the columns dropped after 'z' must be 1–90 %, not '{percent}'");
            if (rtn) throw new CondenseException($"setting '{text}': dropping columns needs GPTQ's calibration statistics, not -rtn");
            body = body[..z];
            if (body.Contains('b', StringComparison.Ordinal)) throw new CondenseException($"setting '{text}': dropping columns works per channel, not with blocks");
        }
        if (body.Length < 2 || body[0] is not ('g' or 'k'))
            throw new CondenseException($"setting '{text}' is not {Forms}");
        var codebook = body[0] == 'k';
        var parts = body[1..].Split('b');
        if (parts.Length > 2 || !int.TryParse(parts[0], out var bits) || (codebook && parts.Length == 2))
            throw new CondenseException($"setting '{text}' is not {Forms}");
        var block = 0;
        if (parts.Length == 2 && (!int.TryParse(parts[1], out block) || block < 1))
            throw new CondenseException($"setting '{text}': the block must be a positive number of columns");
        var most = split > 0 ? 7 : 8;
        if (codebook ? bits < 1 || bits > most : bits < 2 || bits > most)
            throw new CondenseException($"setting '{text}': bits must be {(codebook ? 1 : 2)}–{most}, not {bits}");
        return new QuantizationSetting(s, false, codebook, bits, block, !rtn, drop, split);
    }

    /// <summary>Low rank or sparsity: r|s + percent [+ g + bits] [+ "-rtn"].</summary>
    static QuantizationSetting ParseStructural(string text, string label, string body, bool rtn)
    {
        var g = body.IndexOf('g', StringComparison.Ordinal);
        var percentText = g < 0 ? body[1..] : body[1..g];
        var what = body[0] == 'r' ? "the share of parameters kept in the factors after 'r'" : "the share of zeros after 's'";
        if (!int.TryParse(percentText, out var percent) || percent is < 1 or > 99)
            throw new CondenseException($"setting '{text}': {what} must be 1–99 %, not '{percentText}'");
        var bits = 32;
        if (g >= 0 && (!int.TryParse(body[(g + 1)..], out bits) || bits is < 2 or > 8))
            throw new CondenseException($"setting '{text}': the bits after 'g' must be 2–8, not '{body[(g + 1)..]}'");
        return new QuantizationSetting(label, false, false, bits, 0, !rtn, RankPercent: body[0] == 'r' ? percent : 0, SparsityPercent: body[0] == 's' ? percent : 0);
    }

    /// <summary>Runs on an ONNX Runtime kernel that reads the compressed weight (MatMulNBits, dynamic int8) rather than a decoded float32 one.</summary>
    public bool OnKernel => Kernel != KernelOperator.None;

    /// <summary>Low rank or sparsity rather than a quantization of every weight.</summary>
    public bool Structural => RankPercent > 0 || SparsityPercent > 0;

    /// <summary>Whether the setting chooses input columns (drops them, "z", or splits them, "+p"): encoded by <see cref="ColumnDrop"/> where it applies.</summary>
    public bool ChoosesColumns => DropPercent >= 0 || SplitPercent > 0;

    /// <summary>The label.</summary>
    public override string ToString() => Label;
}

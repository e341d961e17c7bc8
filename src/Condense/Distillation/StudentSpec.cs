using System.Globalization;
using Condense.Data;
using Condense.Hashing;
using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Distillation;

/// <summary>
/// What network a student is, from a short text: <c>784-100-10</c> (dense, no dropout),
/// <c>hashed:784-1000-1000-10@64</c> (HashedNets at factor 64), or a CNN: <c>lenet5</c>,
/// <c>vgg:8,M,16,M</c> (a VGG configuration), <c>resnet:4</c> (a ResNet width). Low-rank and
/// pruned students come from their own branches' factorised or masked models and are not parsed here yet.
/// </summary>
/// <param name="Sizes">MLP layer sizes; for a CNN student its 784 inputs and 10 classes.</param>
/// <param name="HashFactor">HashedNets' compression factor, or null.</param>
/// <param name="Cnn">A CNN student's name (lenet5, vgg, resnet), or null for an MLP.</param>
/// <param name="CnnConfig">Its VGG configuration or ResNet width; null: the default.</param>
public sealed record StudentSpec(IReadOnlyList<int> Sizes, double? HashFactor = null, string? Cnn = null, string? CnnConfig = null)
{
    /// <summary>Parses "784-100-10" or "hashed:784-1000-1000-10@64"; anything else is a <see cref="CondenseException"/> quoting <paramref name="text"/>.</summary>
    public static StudentSpec Parse(string text)
    {
        var body = text.Trim();
        var colon = body.IndexOf(':');
        var head = colon < 0 ? body : body[..colon];
        if (Models.Cnn.CnnFactory.IsCnn(head))
        {
            var config = colon < 0 ? null : body[(colon + 1)..];
            using var probe = Models.Cnn.CnnFactory.Create(head, 0, null, config);   // a bad configuration fails here, in one line
            return new StudentSpec([784, 10], null, head.ToLowerInvariant(), config);
        }
        double? factor = null;
        if (body.StartsWith("hashed:", StringComparison.OrdinalIgnoreCase))
        {
            body = body["hashed:".Length..];
            var at = body.IndexOf('@');
            if (at < 0 || !double.TryParse(body[(at + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var f))
                throw new CondenseException($"student '{text}': a hashed student reads hashed:SIZES@FACTOR, e.g. hashed:784-1000-1000-10@64");
            factor = f;
            body = body[..at];
        }
        var parts = body.Split('-');
        var sizes = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] <= 0 || sizes[i] > 100_000)
                throw new CondenseException($"student '{text}': '{parts[i]}' is not a layer size (sizes read like 784-100-10)");
        }
        if (sizes.Length < 2) throw new CondenseException($"student '{text}': needs at least input and output sizes, like 784-100-10");
        if (factor is { } hf) _ = new HashingOptions { Factor = hf }; // throws on a factor a hashed student cannot have
        return new StudentSpec(sizes, factor);
    }

    /// <summary>A fresh student with weights seeded by <paramref name="seed"/>.</summary>
    public CondenseModel Create(int seed, Normalization? normalization = null)
    {
        if (Cnn is { } name)
        {
            var cnn = Models.Cnn.CnnFactory.Create(name, seed, normalization == Models.Cnn.CnnFactory.FashionNormalization ? DataSets.Fashion : null, CnnConfig);
            return cnn;
        }
        manual_seed(seed);
        return HashFactor is { } f
            ? new HashedMlp(Sizes, new HashingOptions { Factor = f, Seed = seed }, 0, normalization)
            : new MlpModel(ModelKind.Classifier, Sizes, 0, normalization ?? Normalization.Mnist);
    }

    /// <inheritdoc/>
    public override string ToString() => Cnn is { } c ? c + (CnnConfig is { } k ? ":" + k : "") :
        (HashFactor is { } f ? "hashed:" : "") + string.Join("-", Sizes) + (HashFactor is { } g ? "@" + g.ToString(CultureInfo.InvariantCulture) : "");
}

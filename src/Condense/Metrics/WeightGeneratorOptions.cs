namespace Condense.Metrics;

/// <summary>Settings for <see cref="WeightGenerator"/>; validated on construction.</summary>
public sealed record WeightGeneratorOptions
{
    /// <summary>Validates the shape (at most 2^30 elements) and the scale (finite, positive) and throws a <see cref="CondenseException"/> quoting the bad value.</summary>
    public WeightGeneratorOptions(WeightDistribution distribution, int rows, int columns, double scale = 0.05, int seed = 0)
    {
        if (rows < 1 || columns < 1 || (long)rows * columns > 1L << 30)
            throw new CondenseException($"weights: shape {rows}×{columns} must be positive and at most 2^30 elements");
        if (!(scale > 0) || !double.IsFinite(scale))
            throw new CondenseException($"weights: scale must be a finite number > 0, got {scale}");
        Distribution = distribution; Rows = rows; Columns = columns; Scale = scale; Seed = seed;
    }

    /// <summary>The shape of the value distribution (Gaussian, Laplace, …): it decides how much k-means gains over a uniform grid.</summary>
    public WeightDistribution Distribution { get; }
    /// <summary>Rows of the generated matrix.</summary>
    public int Rows { get; }
    /// <summary>Columns of the generated matrix.</summary>
    public int Columns { get; }
    /// <summary>Standard deviation of the entries (default 0.05, like a trained MLP's layer).</summary>
    public double Scale { get; }
    /// <summary>Seed: the same seed gives the same matrix, bit for bit.</summary>
    public int Seed { get; }

    /// <summary>Rank for <see cref="WeightDistribution.LowRank"/>, 1..min(rows, columns); default 4.</summary>
    public int Rank
    {
        get => _rank;
        init => _rank = value >= 1 ? value : throw new CondenseException($"weights: rank must be ≥ 1, got {value}");
    }
    int _rank = 4;

    /// <summary>Fraction of zeros for <see cref="WeightDistribution.Sparse"/>, in [0, 1); default 0.9.</summary>
    public double Sparsity
    {
        get => _sparsity;
        init => _sparsity = value is >= 0 and < 1 ? value : throw new CondenseException($"weights: sparsity must be in [0, 1), got {value}");
    }
    double _sparsity = 0.9;

    /// <summary>Number of outliers for <see cref="WeightDistribution.Spiked"/>, ≥ 1; default 1.</summary>
    public int Spikes
    {
        get => _spikes;
        init => _spikes = value >= 1 ? value : throw new CondenseException($"weights: spikes must be ≥ 1, got {value}");
    }
    int _spikes = 1;

    /// <summary>Outlier size in units of <see cref="Scale"/> for <see cref="WeightDistribution.Spiked"/>; default 20.</summary>
    public double SpikeMagnitude
    {
        get => _spikeMagnitude;
        init => _spikeMagnitude = value > 0 && double.IsFinite(value) ? value : throw new CondenseException($"weights: spike magnitude must be > 0, got {value}");
    }
    double _spikeMagnitude = 20;
}

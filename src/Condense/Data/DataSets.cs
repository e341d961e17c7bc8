namespace Condense.Data;

/// <summary>
/// The data sets Condense knows by name. <c>mnist10k</c> is embedded in the library (10,000 real
/// MNIST digits, 8,000 train / 2,000 test; data/README.md gives provenance and licence), so every
/// command works with no download. <c>fashion</c> is the full Fashion-MNIST (60,000 / 10,000) from
/// Debian's <c>dataset-fashion-mnist</c> package, or from the folder in
/// <c>CONDENSE_FASHION_MNIST</c>.
/// </summary>
public static class DataSets
{
    /// <summary>The name of the embedded MNIST-10k (8,000 train / 2,000 test digits): always available, no download.</summary>
    public const string Mnist10k = "mnist10k";
    /// <summary>The name of Fashion-MNIST (60,000 / 10,000), read from Debian's package or the folder in <see cref="FashionEnvironmentVariable"/>.</summary>
    public const string Fashion = "fashion";
    /// <summary>Environment variable naming a folder with Fashion-MNIST's four IDX files, for machines without Debian's package.</summary>
    public const string FashionEnvironmentVariable = "CONDENSE_FASHION_MNIST";
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> installs the IDX files.</summary>
    public const string FashionDebianFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>Every name <see cref="Load"/> accepts, for help texts and error messages.</summary>
    public static IReadOnlyList<string> Names { get; } = [Mnist10k, Fashion];

    /// <summary>Loads the train and test splits of the data set called <paramref name="name"/>; an unknown name or a missing Fashion-MNIST folder is a <see cref="CondenseException"/> that says where to get it.</summary>
    public static (Dataset Train, Dataset Test) Load(string name = Mnist10k)
    {
        return name switch
        {
            Mnist10k => (LoadEmbedded("train"), LoadEmbedded("test")),
            Fashion => LoadFashion(),
            _ => throw new CondenseException($"unknown data set '{name}' (known: {string.Join(", ", Names)})"),
        };
    }

    /// <summary>Whether Fashion-MNIST is installed where <see cref="Load"/> looks for it.</summary>
    public static bool FashionAvailable => FashionFolder() is not null;

    static Dataset LoadEmbedded(string split)
    {
        var images = ReadResource($"mnist10k-{split}-images-idx3-ubyte.gz", 3);
        var labels = ReadResource($"mnist10k-{split}-labels-idx1-ubyte.gz", 1);
        return Build($"{Mnist10k}/{split}", images, labels);
    }

    static IdxArray ReadResource(string file, int rank)
    {
        var assembly = typeof(DataSets).Assembly;
        using var stream = assembly.GetManifestResourceStream($"Condense.Data.{file}")
            ?? throw new CondenseException($"embedded data '{file}' is missing from the build");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return IdxReader.Read(copy, file, rank);
    }

    static (Dataset, Dataset) LoadFashion()
    {
        var folder = FashionFolder() ?? throw new CondenseException(
            $"Fashion-MNIST is not installed: run 'apt-get install dataset-fashion-mnist' or set {FashionEnvironmentVariable} to a folder holding its IDX files");
        Dataset Split(string prefix, string split) => Build($"{Fashion}/{split}",
            IdxReader.Read(FindFile(folder, $"{prefix}-images-idx3-ubyte"), 3),
            IdxReader.Read(FindFile(folder, $"{prefix}-labels-idx1-ubyte"), 1));
        return (Split("train", "train"), Split("t10k", "test"));
    }

    static string? FashionFolder()
    {
        var configured = Environment.GetEnvironmentVariable(FashionEnvironmentVariable);
        foreach (var folder in new[] { configured, FashionDebianFolder })
        {
            if (!string.IsNullOrEmpty(folder) && Directory.Exists(folder)
                && File.Exists(FindFile(folder, "train-images-idx3-ubyte")))
                return folder;
        }
        return null;
    }

    static string FindFile(string folder, string stem)
    {
        var gz = Path.Combine(folder, stem + ".gz");
        return File.Exists(gz) ? gz : Path.Combine(folder, stem);
    }

    static Dataset Build(string name, IdxArray images, IdxArray labels)
    {
        if (images.Count != labels.Count)
            throw new CondenseException($"{name}: {images.Count} images but {labels.Count} labels");
        var y = new int[labels.Count];
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = labels.Data[i];
            if (y[i] > 9)
                throw new InvalidFileException(name, $"label {y[i]} at {i} is outside 0–9");
        }
        return new Dataset(name, images.Data, y, images.Dimensions[1], images.Dimensions[2]);
    }
}

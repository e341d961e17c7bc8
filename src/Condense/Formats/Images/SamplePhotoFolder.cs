using Condense.Imaging;

namespace Condense.Formats.Images;

/// <summary>
/// Fills a folder with real photos for tests, benchmarks and demos of image models: the two CC0
/// photos embedded in Condense.dll (<see cref="SampleImages"/>) and, when Debian's
/// <c>python3-skimage</c> is installed, its CC0 and public-domain sample photos (credits in
/// docs/data.md). Nothing is downloaded; the embedded two are always there.
/// </summary>
public static class SamplePhotoFolder
{
    /// <summary>Where Debian's python3-skimage keeps its sample data.</summary>
    public const string SkimageData = "/usr/lib/python3/dist-packages/skimage/data";

    /// <summary>
    /// The skimage photos used, each CC0 or public domain by its docstring in skimage/data/_fetchers.py
    /// (grey ones are read as RGB with equal channels).
    /// </summary>
    public static IReadOnlyList<string> SkimageNames { get; } =
    [
        "astronaut.png", "rocket.jpg", "hubble_deep_field.jpg", "retina.jpg", "camera.png",
        "coins.png", "brick.png", "grass.png", "gravel.png",
    ];

    /// <summary>Copies the photos into <paramref name="folder"/> (created if needed); returns how many it holds.</summary>
    public static int CopyTo(string folder)
    {
        Directory.CreateDirectory(folder);
        int count = 0;
        foreach (var name in SampleImages.Names)
        {
            AtomicFile.WriteAllBytes(Path.Combine(folder, name + ".png"), SampleImages.LoadPng(name));
            count++;
        }
        foreach (var name in SkimageNames)
        {
            var source = Path.Combine(SkimageData, name);
            if (!File.Exists(source)) continue;
            File.Copy(source, Path.Combine(folder, name), overwrite: true);
            count++;
        }
        return count;
    }
}

using Condense.Formats.Images;

namespace Condense.Tests.Calibration;

/// <summary>"A folder of real photos": the embedded CC0 pair plus Debian python3-skimage's CC0/public-domain photos when installed.</summary>
internal static class TestPhotos
{
    /// <summary>Copies the photos into a new temp folder; dispose it when done.</summary>
    public static TempFolder Folder(out int count)
    {
        var folder = new TempFolder();
        count = SamplePhotoFolder.CopyTo(folder.Path);
        return folder;
    }
}

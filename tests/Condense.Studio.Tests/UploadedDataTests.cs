using System.IO.Compression;
using Condense.Studio.Pages;

namespace Condense.Studio.Tests;

/// <summary>What an uploaded data file resolves to (no server needed): recognised by content, unpacked inside its folder.</summary>
public sealed class UploadedDataTests : IDisposable
{
    static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 0, 0, 0, 13];
    readonly string folder = Directory.CreateTempSubdirectory("condense-studio-data-test").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string Zip(params (string Name, byte[] Bytes)[] members)
    {
        var path = Path.Combine(folder, ModelUpload.DataFile);
        using var archive = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in members)
            using (var s = archive.CreateEntry(name).Open()) s.Write(bytes);
        return path;
    }

    static byte[] Text(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    [Fact]
    public void A_zip_of_one_folder_of_photos_is_that_folder()
    {
        var data = UploadedData.Resolve(Zip(("photos/a.png", Png), ("photos/b.png", Png), ("photos/README.txt", Text("two photos\n"))), "photos.zip", folder);
        Assert.Equal(Path.Combine(folder, ModelUpload.DataFolder, "photos"), data.Path);
        Assert.Null(data.Vocab);
        Assert.Equal("2 images", data.Kind);
    }

    [Fact]
    public void Class_folders_stay_class_folders()
    {
        var data = UploadedData.Resolve(Zip(("cats/a.png", Png), ("dogs/b.png", Png)), "pets.zip", folder);
        Assert.Equal(Path.Combine(folder, ModelUpload.DataFolder), data.Path);
    }

    [Fact]
    public void Sentences_come_with_their_vocab_or_are_refused_by_name()
    {
        var data = UploadedData.Resolve(Zip(("sentences.txt", Text("a cat sat.\na dog ran.\n")), ("vocab.txt", Text("[PAD]\n[UNK]\n[CLS]\n[SEP]\na\n"))), "text.zip", folder);
        Assert.EndsWith("sentences.txt", data.Path);
        Assert.EndsWith("vocab.txt", data.Vocab);
        Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        var refused = Assert.Throws<CondenseException>(() => UploadedData.Resolve(Zip(("sentences.txt", Text("a cat sat.\n"))), "text.zip", folder));
        Assert.StartsWith("text.zip: ", refused.Message);
        Assert.Contains("vocab.txt", refused.Message);
    }

    [Fact]
    public void An_npz_is_read_as_it_is_and_members_never_leave_the_folder()
    {
        var npz = UploadedData.Resolve(Zip(("x.npy", [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0])), "x.npz", folder);
        Assert.Equal(Path.Combine(folder, ModelUpload.DataFile), npz.Path);
        File.Delete(npz.Path);
        var data = UploadedData.Resolve(Zip(("../../outside.png", Png), ("/abs/olute.png", Png), ("ok/.hidden.png", Png), ("ok/in.png", Png)), "evil.zip", folder);
        var written = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order().ToList();
        Assert.Equal([ModelUpload.DataFile, Path.Combine(ModelUpload.DataFolder, "abs", "olute.png"), Path.Combine(ModelUpload.DataFolder, "ok", "in.png")], written);
        Assert.Equal("2 images", data.Kind);
    }
}

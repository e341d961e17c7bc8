using System.Text;
using Condense.Calibration;
using Condense.Formats.DataFiles;
using Condense.Formats.Text;

namespace Condense.Tests.Formats.Text;

public class SentenceFileReaderTests
{
    [Fact]
    public void Lines_are_trimmed_and_blank_lines_skipped()
    {
        var s = SentenceFileReader.Parse(Encoding.UTF8.GetBytes("\uFEFF  One.  \r\n\r\nTwo words.\nÜber drei.\n"), "s.txt");
        Assert.Equal(["One.", "Two words.", "Über drei."], s);
    }

    [Fact]
    public void Binary_bytes_and_empty_files_are_refused()
    {
        Assert.Throws<InvalidFileException>(() => SentenceFileReader.Parse([0x41, 0xC3, 0x28], "s.txt"));
        Assert.Throws<InvalidFileException>(() => SentenceFileReader.Parse("\n \n"u8, "s.txt"));
    }

    [Fact]
    public void The_embedded_sentences_are_400_lines_of_text()
    {
        Assert.Equal(400, SampleSentences.All.Count);
        Assert.Equal(DataFileKind.Sentences, DataFileSniffer.Sniff(Encoding.UTF8.GetBytes(SampleSentences.Text), "s"));
        Assert.Equal(400, SentenceFileReader.Parse(Encoding.UTF8.GetBytes(SampleSentences.Text), "s").Count);
    }

    [Fact]
    public void The_sniffer_recognises_content_not_extensions()
    {
        Assert.Equal(DataFileKind.Npy, DataFileSniffer.Sniff([0x93, .. "NUMPY"u8, 1, 0], "x.txt"));
        Assert.Equal(DataFileKind.Npz, DataFileSniffer.Sniff("PK\x03\x04rest"u8, "x.txt"));
        Assert.Equal(DataFileKind.Image, DataFileSniffer.Sniff([0x89, .. "PNG\r\n"u8], "x.npy"));
        Assert.Equal(DataFileKind.Sentences, DataFileSniffer.Sniff("caf\u00e9 au lait"u8[..4], "x.npz"));   // cut mid-character
        Assert.Throws<InvalidFileException>(() => DataFileSniffer.Sniff([0, 1, 2, 3], "x.bin"));
    }
}

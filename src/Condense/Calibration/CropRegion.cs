namespace Condense.Calibration;

/// <summary>A rectangle of a photo in pixel coordinates (fractional allowed), optionally mirrored left–right.</summary>
public readonly record struct CropRegion(double X, double Y, double Width, double Height, bool Flip = false)
{
    /// <summary>
    /// The centre crop of a <paramref name="imageWidth"/> × <paramref name="imageHeight"/> photo
    /// whose shorter side is first resized to <paramref name="resize"/>, cropped to
    /// <paramref name="cropWidth"/> × <paramref name="cropHeight"/> (torchvision's Resize + CenterCrop),
    /// expressed in the original photo's pixels. <paramref name="zoom"/> ≥ 1 crops a smaller region
    /// (augmentation); <paramref name="shiftX"/>, <paramref name="shiftY"/> in [−1, 1] move it to the edges.
    /// </summary>
    public static CropRegion Centre(int imageWidth, int imageHeight, int resize, int cropWidth, int cropHeight,
        double zoom = 1, double shiftX = 0, double shiftY = 0, bool flip = false)
    {
        var scale = (double)resize / Math.Min(imageWidth, imageHeight) * zoom;   // output pixels per photo pixel
        var w = Math.Min(cropWidth / scale, imageWidth);
        var h = Math.Min(cropHeight / scale, imageHeight);
        var x = (imageWidth - w) / 2 * (1 + shiftX);
        var y = (imageHeight - h) / 2 * (1 + shiftY);
        return new CropRegion(x, y, w, h, flip);
    }
}

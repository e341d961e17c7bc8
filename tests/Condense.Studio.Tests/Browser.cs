using System.Globalization;
using Microsoft.Playwright;

namespace Condense.Studio.Tests;

/// <summary>Small helpers that drive the page as a reader would.</summary>
internal static class Browser
{
    /// <summary>Moves a range input to <paramref name="value"/> with the keyboard (Home, then arrow keys).</summary>
    public static async Task SlideToAsync(ILocator slider, int value)
    {
        var min = int.Parse(await slider.GetAttributeAsync("min") ?? "0", CultureInfo.InvariantCulture);
        await slider.FocusAsync();
        await slider.PressAsync("Home");
        for (var v = min; v < value; v++) await slider.PressAsync("ArrowRight");
        Assert.Equal(value.ToString(CultureInfo.InvariantCulture), await slider.InputValueAsync());
    }

    public static async Task<double> DataValueAsync(ILocator locator) =>
        double.Parse((await locator.GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);

    /// <summary>Hovers the centre of canvas pixel (x, y) given the canvas's intrinsic size.</summary>
    public static async Task HoverPixelAsync(ILocator canvas, int x, int y, int width, int height)
    {
        var box = (await canvas.BoundingBoxAsync())!;
        await canvas.HoverAsync(new LocatorHoverOptions
        {
            Position = new Position { X = (float)((x + 0.5) * box.Width / width), Y = (float)((y + 0.5) * box.Height / height) },
        });
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SkiaSharp;

namespace NetDsl.Samples.Imaging;

/// <summary>One titled panel of a figure: a picture and the lines written above it.</summary>
public sealed record Panel(string Title, SKBitmap Image, string? Subtitle = null);

/// <summary>
/// The samples' pictures through SkiaSharp: grey and colour-mapped images from numbers, figures of titled panels side by
/// side (as a matplotlib <c>subplots</c> row with <c>set_title</c>), PNG files. Text uses a TrueType font found on the
/// machine (DejaVu Sans, Liberation Sans, ...; <see cref="Typeface"/>): the Linux SkiaSharp build the samples use has no
/// fontconfig, so a font is loaded from its file.
/// </summary>
public static class Picture
{
    private static readonly string[] FontFiles =
    {
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/System/Library/Fonts/Supplemental/Arial.ttf",
        @"C:\Windows\Fonts\arial.ttf",
    };

    /// <summary>The typeface for titles and labels: the first font file found, else SkiaSharp's default.</summary>
    public static SKTypeface Typeface { get; } = LoadTypeface();

    private static SKTypeface LoadTypeface()
    {
        foreach (var file in FontFiles)
        {
            if (File.Exists(file) && SKTypeface.FromFile(file) is { } face) return face;
        }
        return SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
    }

    /// <summary>A font of <paramref name="size"/> pixels.</summary>
    public static SKFont Font(float size) => new SKFont(Typeface, size) { Edging = SKFontEdging.Antialias };

    /// <summary>A greyscale picture of <paramref name="values"/> (row-major, 0 black .. 1 white, clamped).</summary>
    public static SKBitmap Grey(float[] values, int width, int height) =>
        FromValues(values, width, height, v => { byte b = ToByte(v); return new SKColor(b, b, b); });

    /// <summary>A picture of <paramref name="values"/> (row-major, 0..1) through <paramref name="colormap"/>.</summary>
    public static SKBitmap FromValues(float[] values, int width, int height, Func<float, SKColor> colormap)
    {
        if (values.Length != width * height) throw new ArgumentException($"expected {width * height} values, got {values.Length}", nameof(values));
        var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            bitmap.SetPixel(x, y, colormap(values[y * width + x]));
        return bitmap;
    }

    /// <summary>Scales <paramref name="image"/> by an integer <paramref name="factor"/> with nearest-neighbour sampling (pixels stay square).</summary>
    public static SKBitmap Enlarge(SKBitmap image, int factor)
    {
        if (factor == 1) return image;
        var result = new SKBitmap(image.Width * factor, image.Height * factor, image.ColorType, image.AlphaType);
        for (int y = 0; y < result.Height; y++)
        for (int x = 0; x < result.Width; x++)
            result.SetPixel(x, y, image.GetPixel(x / factor, y / factor));
        return result;
    }

    /// <summary>matplotlib's <c>coolwarm</c> (Moreland's diverging map), interpolated between its anchor colours: blue at 0, grey-white at 0.5, red at 1.</summary>
    public static SKColor CoolWarm(float v)
    {
        ReadOnlySpan<float> anchors = stackalloc float[]
        {
            0.000f, 59, 76, 192,
            0.125f, 98, 130, 234,
            0.250f, 141, 176, 254,
            0.375f, 184, 208, 249,
            0.500f, 221, 221, 221,
            0.625f, 245, 196, 173,
            0.750f, 244, 154, 123,
            0.875f, 222, 96, 77,
            1.000f, 180, 4, 38,
        };
        v = Math.Clamp(float.IsNaN(v) ? 0 : v, 0, 1);
        for (int i = 4; i < anchors.Length; i += 4)
        {
            if (v > anchors[i] && i + 4 < anchors.Length) continue;
            float t = (v - anchors[i - 4]) / (anchors[i] - anchors[i - 4]);
            return new SKColor(Lerp(anchors[i - 3], anchors[i + 1], t), Lerp(anchors[i - 2], anchors[i + 2], t), Lerp(anchors[i - 1], anchors[i + 3], t));
        }
        return new SKColor(180, 4, 38);
    }

    private static byte Lerp(float a, float b, float t) => (byte)Math.Clamp(MathF.Round(a + (b - a) * t), 0, 255);

    private static byte ToByte(float v) => (byte)Math.Clamp(MathF.Round((float.IsNaN(v) ? 0 : v) * 255f), 0, 255);

    /// <summary>Where a figure puts its panels: the margins, the title band above each panel (27 px and 17 per subtitle line), the gap between panels.</summary>
    public sealed record Layout(int Margin, int TitleHeight, int Gap, int CaptionHeight)
    {
        public static Layout Default { get; } = new(Margin: 12, TitleHeight: 44, Gap: 16, CaptionHeight: 0);

        /// <summary>The top-left pixel of panel <paramref name="index"/> when the panels are <paramref name="panelWidth"/> wide.</summary>
        public (int X, int Y) Origin(int index, int panelWidth) => (Margin + index * (panelWidth + Gap), CaptionHeight + Margin + TitleHeight);

        /// <summary>The figure's size for <paramref name="count"/> panels of <paramref name="panelWidth"/> x <paramref name="panelHeight"/>.</summary>
        public (int Width, int Height) Size(int count, int panelWidth, int panelHeight) =>
            (2 * Margin + count * panelWidth + (count - 1) * Gap, CaptionHeight + 2 * Margin + TitleHeight + panelHeight);
    }

    /// <summary>
    /// Draws <paramref name="panels"/> (all the same size) in a row on white, each with its title (and subtitle) centred
    /// above it and a thin frame, an optional caption across the top, and writes the PNG to <paramref name="path"/>.
    /// </summary>
    public static Layout WriteRow(string path, IReadOnlyList<Panel> panels, string? caption = null, Action<SKCanvas, Layout, int, int>? decorate = null)
    {
        if (panels.Count == 0) throw new ArgumentException("no panels", nameof(panels));
        int pw = panels[0].Image.Width, ph = panels[0].Image.Height;
        if (panels.Any(p => p.Image.Width != pw || p.Image.Height != ph)) throw new ArgumentException("panels differ in size", nameof(panels));
        int lines = panels.Max(p => p.Subtitle is null ? 0 : p.Subtitle.Split('\n').Length);
        var layout = Layout.Default with { CaptionHeight = caption is null ? 0 : 30, TitleHeight = 27 + 17 * lines };
        var (width, height) = layout.Size(panels.Count, pw, ph);
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var titleFont = Font(17);
        using var subFont = Font(13);
        using var captionFont = Font(15);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var grey = new SKPaint { Color = new SKColor(90, 90, 90), IsAntialias = true };
        using var frame = new SKPaint { Color = new SKColor(160, 160, 160), Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        if (caption is not null) DrawFitted(canvas, caption, width / 2f, layout.Margin + 16, width - 2 * layout.Margin, captionFont, grey);
        for (int i = 0; i < panels.Count; i++)
        {
            var (x, y) = layout.Origin(i, pw);
            float centre = x + pw / 2f;
            float titleY = y - layout.TitleHeight + 18;
            DrawFitted(canvas, panels[i].Title, centre, titleY, pw + layout.Gap - 4, titleFont, ink);
            var subtitles = panels[i].Subtitle?.Split('\n') ?? Array.Empty<string>();
            for (int line = 0; line < subtitles.Length; line++)
                DrawFitted(canvas, subtitles[line], centre, titleY + 18 + 17 * line, pw + layout.Gap - 4, subFont, grey);
            canvas.DrawBitmap(panels[i].Image, x, y);
            canvas.DrawRect(x - 0.5f, y - 0.5f, pw + 1, ph + 1, frame);
        }
        decorate?.Invoke(canvas, layout, pw, ph);
        Save(surface, path);
        return layout;
    }

    /// <summary>Draws <paramref name="text"/> centred at <paramref name="x"/>, shrinking the font until it fits <paramref name="maxWidth"/>.</summary>
    public static void DrawFitted(SKCanvas canvas, string text, float x, float y, float maxWidth, SKFont font, SKPaint paint)
    {
        float size = font.Size;
        using var fitted = new SKFont(font.Typeface, size) { Edging = font.Edging };
        while (fitted.MeasureText(text) > maxWidth && fitted.Size > 7) fitted.Size -= 0.5f;
        canvas.DrawText(text, x, y, SKTextAlign.Center, fitted, paint);
    }

    /// <summary>Writes the surface's picture as a PNG, creating the folder.</summary>
    public static void Save(SKSurface surface, string path)
    {
        using var image = surface.Snapshot();
        Save(image, path);
    }

    /// <summary>Writes <paramref name="image"/> as a PNG, creating the folder.</summary>
    public static void Save(SKImage image, string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    /// <summary>Writes a bitmap as a PNG.</summary>
    public static void Save(SKBitmap bitmap, string path)
    {
        using var image = SKImage.FromBitmap(bitmap);
        Save(image, path);
    }
}

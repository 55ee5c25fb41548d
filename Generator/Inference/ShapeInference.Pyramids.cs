using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;
using Value = NetDsl.Generator.Layers.LayerValue;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// Multiply-adds of a layer that runs on a SPEED pyramid's pooled grid: <see cref="PerCell"/> per cell of a grid of
    /// floor(h / (h // b)) x floor(w / (w // b)) cells over an h x w map. Kept apart from <see cref="MacTerm"/> because the
    /// grid is not affine in a symbolic size (H = 15, bin 4: window 3, 5 cells; H = 16: 4 cells).
    /// </summary>
    public readonly struct PyramidMacTerm
    {
        public PyramidMacTerm(long perCell, Dim height, long heightBin, Dim width, long widthBin)
        {
            PerCell = perCell;
            Height = height;
            HeightBin = heightBin;
            Width = width;
            WidthBin = widthBin;
        }

        public long PerCell { get; }
        public Dim Height { get; }
        public long HeightBin { get; }
        public Dim Width { get; }
        public long WidthBin { get; }

        /// <summary>The term at H = tH · modulus (and likewise W), i.e. the map's sizes <see cref="Dim.At"/>.</summary>
        public long At(long th, long tw) => PerCell * Grid(Height.At(th), HeightBin) * Grid(Width.At(tw), WidthBin);

        /// <summary>Cells of the pooled grid along an axis of <paramref name="length"/>: floor(a / (a // bin)).</summary>
        public static long Grid(long length, long bin) => ShapeMath.PyramidGrid(length, ShapeMath.PyramidWindow(length, bin));
    }

    /// <summary>The multiply-adds of SPEED's pooled grids (the pyramid layers themselves are in Layers/Pyramids).</summary>
    public sealed partial class ShapeInference
    {
        /// <summary>Multiply-adds of <paramref name="perCell"/> per cell of a bin's pooled grid over an h x w map.</summary>
        internal long? MacsOverGrid(long perCell, Dim h, Dim w, long bin)
        {
            if (h.IsKnown && w.IsKnown)
                return MacsOver(perCell, Dim.Known(PyramidMacTerm.Grid(h.Offset, bin)), Dim.Known(PyramidMacTerm.Grid(w.Offset, bin)));
            _result.PyramidMacTerms.Add(new PyramidMacTerm(perCell, h, bin, w, bin));
            return null;
        }
    }
}

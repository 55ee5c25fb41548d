using System;
using System.Text;

namespace NetDsl.Generator.Emit
{
    /// <summary>
    /// A StringBuilder with an indentation level (the runtime's SourceWriter idea): <see cref="WriteLine(string)"/>
    /// re-indents every line of a multi-line string. Line endings are always '\n' so output is machine independent.
    /// </summary>
    public sealed class SourceWriter
    {
        private readonly StringBuilder _sb = new StringBuilder();
        private int _indent;

        public int Indentation
        {
            get => _indent;
            set => _indent = Math.Max(0, value);
        }

        public void OpenBrace()
        {
            WriteLine("{");
            _indent++;
        }

        public void CloseBrace(string suffix = "")
        {
            _indent--;
            WriteLine("}" + suffix);
        }

        public void WriteLine() => _sb.Append('\n');

        public void WriteLine(string text)
        {
            foreach (var raw in text.Split('\n'))
            {
                var line = raw.TrimEnd('\r');
                if (line.Length == 0)
                {
                    _sb.Append('\n');
                    continue;
                }
                _sb.Append(' ', 4 * _indent).Append(line).Append('\n');
            }
        }

        public override string ToString() => _sb.ToString();
    }
}

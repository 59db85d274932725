#!/usr/bin/python3
"""A real LibreOffice opens the blank form and judges its validation.

  lo_check.py FORM.xlsx SOFFICE_HOME COLUMN ROW
Starts its own soffice (headless, its own HOME, a pipe of its own), loads the
workbook, puts -3, 2.5 and 7 into three count cells of COLUMN (rows ROW,
ROW+1, ROW+2; setValue, as a macro would: the validation is not asked when a
value is set through the API), then runs Calc's own check of every cell
against its validation (Tools > Detective > Mark Invalid Data:
XSheetAuditing.showInvalid), which circles each cell its validation refuses.
Prints JSON: the sheet, the validation of the first cell as Calc read it
(type, operator, formula, error message and style), and the cells circled.
"""
import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main():
    path, home, column, row = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    pipe = f"tonghop_forms_{os.getpid()}"
    env = dict(os.environ, HOME=home)
    office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
                               f"--accept=pipe,name={pipe};urp;"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        for _ in range(240):  # at most a minute
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if office.poll() is not None:
                    sys.exit("soffice exited before it accepted a connection")
                time.sleep(0.25)
        if ctx is None:
            sys.exit("soffice did not accept a connection within a minute")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        url = uno.systemPathToFileUrl(os.path.abspath(path))
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        if doc is None:
            sys.exit("LibreOffice could not open the workbook")
        sheet = doc.Sheets.getByIndex(0)
        out = {"sheet": sheet.Name, "protected": sheet.isProtected()}
        cells = [f"{column}{row}", f"{column}{row + 1}", f"{column}{row + 2}"]
        first = sheet.getCellRangeByName(cells[0])
        v = first.Validation
        out["validation"] = {"type": v.Type.value, "operator": v.Operator.value, "formula1": v.getFormula1(),
                             "show_error": v.ShowErrorMessage, "error_style": v.ErrorAlertStyle.value,
                             "error_message": v.ErrorMessage, "error_title": v.ErrorTitle,
                             "ignore_blank": v.IgnoreBlankCells}
        sheet.unprotect("")  # protection stops the API from writing; the validation stays
        for name, value in zip(cells, (-3, 2.5, 7)):
            sheet.getCellRangeByName(name).setValue(value)
        sheet.showInvalid()
        circled = []
        page = sheet.DrawPage
        for i in range(page.Count):
            shape = page.getByIndex(i)
            anchor = shape.Anchor
            if hasattr(anchor, "CellAddress"):
                a = anchor.CellAddress
                circled.append(sheet.getCellByPosition(a.Column, a.Row).AbsoluteName.split(".")[-1].replace("$", ""))
        out["cells"] = cells
        out["circled"] = sorted(circled)
        out["shapes"] = page.Count
        doc.close(True)
        print(json.dumps(out, ensure_ascii=False))
    finally:
        try:
            office.terminate()
            office.wait(20)
        except Exception:
            office.kill()


if __name__ == "__main__":
    main()

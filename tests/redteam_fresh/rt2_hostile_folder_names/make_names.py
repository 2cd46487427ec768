import os, shutil, sys
C = sys.argv[1].encode(); S = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'solutions')
for nm in [b'=1+1', b'evil\nname\r\x1b[31mred', b'<script>alert(1)<\xe2\x80\xae>', b'bad\xff\xfeutf8', b'-rf --json x', b'"q,comma\'']:
    d = os.path.join(C, nm); os.makedirs(d, exist_ok=True)
    for f in ('my_linear.py', 'logistic_regression.py', 'custom_dataset.py'):
        shutil.copy(os.path.join(S, f), os.path.join(d, f.encode()))
